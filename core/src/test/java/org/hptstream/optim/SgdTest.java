package org.hptstream.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hptstream.model.Fixtures;
import org.junit.jupiter.api.Test;

/** Against torch.optim.SGD on a least-squares problem (fixtures/sgd-reference.npz). */
class SgdTest {

  private static final double LR = 0.05;

  private static Parameter param(String name, NDArray value, boolean trainable) {
    NDArray a = value.duplicate();
    a.setRequiresGradient(trainable);
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.WEIGHT)
        .optRequiresGrad(trainable)
        .optArray(a)
        .build();
  }

  /** w in a group with wd 0.01, b in a group at 10x lr without wd, as in the generator. */
  private static Sgd sgd(Parameter w, Parameter b) {
    return Sgd.builder()
        .momentum(0.9)
        .group("weights", Map.of("w", w), 1.0, 0.01)
        .group("bias", Map.of("b", b), 10.0, 0.0)
        .build();
  }

  private static void step(Sgd sgd, NDList ref, Parameter w, Parameter b) {
    sgd.zeroGradients();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray loss =
          ref.get("x").matMul(w.getArray()).add(b.getArray()).sub(ref.get("y")).pow(2).mean();
      gc.backward(loss);
    }
    sgd.step(LR);
  }

  private static void assertClose(NDArray actual, NDArray expected) {
    assertThat(actual.allClose(expected, 1e-5, 1e-6, false))
        .as("%s vs %s", actual, expected)
        .isTrue();
  }

  @Test
  void threeStepsMatchTorchOptimSgd() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList ref = Fixtures.npz(m, "sgd-reference.npz");
      Parameter w = param("w", ref.get("w0"), true);
      Parameter b = param("b", ref.get("b0"), true);
      Sgd sgd = sgd(w, b);
      for (int i = 0; i < 3; i++) {
        step(sgd, ref, w, b);
        assertClose(w.getArray(), ref.get("w_steps").get(i));
        assertClose(b.getArray(), ref.get("b_steps").get(i));
      }
      assertThat(sgd.steps()).isEqualTo(3);
      try (NDList state = sgd.state(m)) {
        assertClose(state.get("w" + Sgd.MOMENTUM_SUFFIX), ref.get("w_momentum"));
      }
    }
  }

  @Test
  void exportedStateResumesExactlyAfterTheLoadedArraysAreOverwrittenAndFreed() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList ref = Fixtures.npz(m, "sgd-reference.npz");
      Parameter w = param("w", ref.get("w0"), true);
      Parameter b = param("b", ref.get("b0"), true);
      Sgd first = sgd(w, b);
      step(first, ref, w, b);
      step(first, ref, w, b);

      Parameter w2 = param("w", w.getArray(), true);
      Parameter b2 = param("b", b.getArray(), true);
      Sgd resumed = sgd(w2, b2);
      try (NDManager given = NDManager.newBaseManager()) {
        // a checkpoint's arrays: from_blob views of direct buffers, as NDList.decode makes them
        NDList state = roundTrip(first.state(given), given);
        resumed.loadState(state);
        for (NDArray a : state) a.set(new NDIndex("..."), 99);
      }
      System.gc();
      assertThat(resumed.steps()).isEqualTo(2);
      step(resumed, ref, w2, b2);
      assertClose(w2.getArray(), ref.get("w_steps").get(2));
      assertClose(b2.getArray(), ref.get("b_steps").get(2));
    }
  }

  private static NDList roundTrip(NDList list, NDManager manager) {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      list.encode(out, NDList.Encoding.NPZ);
      return NDList.decode(manager, new java.io.ByteArrayInputStream(out.toByteArray()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void stateThatDoesNotFitIsRefused() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter w = param("w", m.ones(new Shape(5, 3)), true);
      Parameter b = param("b", m.ones(new Shape(3)), true);
      Sgd sgd = sgd(w, b);
      NDArray wrongShape = m.zeros(new Shape(3, 5));
      wrongShape.setName("w" + Sgd.MOMENTUM_SUFFIX);
      NDArray unknown = m.zeros(new Shape(3));
      unknown.setName("head.bias" + Sgd.MOMENTUM_SUFFIX);
      assertThatThrownBy(() -> sgd.loadState(new NDList(wrongShape, unknown)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("w: shape (3, 5)")
          .hasMessageContaining("unknown parameter head.bias")
          .hasMessageContaining("missing 'step'");
    }
  }

  @Test
  void frozenParametersAreLeftOutAndStepsDoNotLeak() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList ref = Fixtures.npz(m, "sgd-reference.npz");
      Parameter w = param("w", ref.get("w0"), true);
      Parameter frozen = param("b", ref.get("b0"), false);
      Map<String, Parameter> all = new LinkedHashMap<>();
      all.put("w", w);
      all.put("b", frozen);
      Sgd sgd = Sgd.builder().group("all", all, 1.0, 1e-4).build();
      assertThat(sgd.groups().get(0).parameters()).containsOnlyKeys("w");
      step(sgd, ref, w, frozen);
      assertThat(frozen.getArray().eq(ref.get("b0")).all().getBoolean()).isTrue();
      assertThat(w.getArray().eq(ref.get("w0")).all().getBoolean()).isFalse();
      // Momentum buffers exist now; further steps must not leave arrays behind.
      int arrays = m.getManagedArrays().size();
      for (int i = 0; i < 5; i++) {
        sgd.step(LR);
        sgd.zeroGradients();
      }
      assertThat(m.getManagedArrays()).hasSize(arrays);
    }
  }

  @Test
  void zeroGradientsClearsNonFiniteGradients() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter w = param("w", m.ones(new Shape(5, 3)), true);
      Parameter b = param("b", m.ones(new Shape(3)), true);
      Sgd sgd = sgd(w, b);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(
            w.getArray().mul(Float.NaN).sum().add(b.getArray().mul(Float.POSITIVE_INFINITY).sum()));
      }
      assertThat(w.getArray().getGradient().isNaN().all().getBoolean()).isTrue();
      sgd.zeroGradients();
      assertThat(w.getArray().getGradient().eq(0f).all().getBoolean()).isTrue();
      assertThat(b.getArray().getGradient().eq(0f).all().getBoolean()).isTrue();
    }
  }

  @Test
  void nothingToTrainIsAnError() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter frozen = param("b", m.ones(new Shape(3)), false);
      assertThatThrownBy(() -> Sgd.builder().group("g", Map.of("b", frozen), 1, 0).build())
          .hasMessageContaining("no parameter to train");
    }
  }
}
