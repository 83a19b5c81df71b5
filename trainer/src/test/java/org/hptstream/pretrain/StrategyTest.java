package org.hptstream.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.hptstream.moco.MocoTrainer;
import org.hptstream.moco.NonFiniteLossException;
import org.hptstream.strategy.Strategy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What each strategy trains, on real data with a tiny real ResNet. */
class StrategyTest {
  static NDManager keep;
  static ParentModel parent;

  @BeforeAll
  static void parentFromShortTargetRun() {
    keep = NDManager.newBaseManager();
    try (PretrainSession s =
        new PretrainSession(Strategy.TARGET, TinyJobs.config(3), TinyJobs.data(), null, null)) {
      for (int i = 0; i < 3; i++) s.runStep();
      parent =
          new ParentModel(
              s.config().arch(),
              s.capture(keep).get(TrainState.BACKBONE),
              "test-parent",
              "in memory");
    }
  }

  @AfterAll
  static void close() {
    keep.close();
  }

  @Test
  void targetLossGoesDown() {
    try (PretrainSession s =
        new PretrainSession(Strategy.TARGET, TinyJobs.config(40), TinyJobs.data(), null, null)) {
      List<Double> loss = new ArrayList<>();
      double std = 0;
      for (int i = 0; i < 40; i++) {
        MocoTrainer.StepResult r = s.runStep();
        loss.add(r.loss());
        std = r.featureStd();
      }
      // the first steps see random-vector negatives; compare once the queue (128 = 8 batches) is
      // real keys
      double early = loss.subList(8, 14).stream().mapToDouble(d -> d).average().orElseThrow();
      double late = loss.subList(34, 40).stream().mapToDouble(d -> d).average().orElseThrow();
      assertThat(late).as("losses %s", loss).isLessThan(early);
      assertThat(std).isGreaterThan(0.01);
    }
  }

  @Test
  void hptBnTrainsExactlyBatchNormAffineRunningStatsAndHead() {
    try (NDManager m = NDManager.newBaseManager();
        PretrainSession s =
            new PretrainSession(
                Strategy.HPT_BN, TinyJobs.config(3), TinyJobs.data(), parent, null)) {
      Map<String, NDArray> before = snapshot(m, s);
      for (NDArray a : parent.backbone())
        assertThat(before.get("query.backbone." + a.getName()).contentEquals(a)).isTrue();
      for (int i = 0; i < 3; i++) s.runStep();
      Map<String, Parameter> now = allQuery(s);
      TreeSet<String> changed = new TreeSet<>();
      TreeSet<String> same = new TreeSet<>();
      before.forEach(
          (name, b) -> (b.contentEquals(now.get(name).getArray()) ? same : changed).add(name));
      for (String name : changed) {
        boolean bn =
            now.get(name).getType() != Parameter.Type.WEIGHT
                || !name.contains("conv") && !name.contains("downsample.0");
        assertThat(name.startsWith("query.head.") || bn).as("changed %s", name).isTrue();
      }
      assertThat(changed)
          .anyMatch(n -> n.endsWith("bn1.weight"))
          .anyMatch(n -> n.endsWith("bn1.bias"))
          .anyMatch(n -> n.endsWith("running_mean"))
          .anyMatch(n -> n.endsWith("running_var"))
          .anyMatch(n -> n.startsWith("query.head."));
      assertThat(same).allMatch(n -> n.contains("conv") || n.contains("downsample.0"));
      assertThat(same)
          .contains("query.backbone.conv1.weight", "query.backbone.layer1.0.conv1.weight");
    }
  }

  @Test
  void bnRecalibrationChangesOnlyRunningStats() {
    try (NDManager m = NDManager.newBaseManager();
        PretrainSession s =
            new PretrainSession(
                Strategy.BASE_BN_RECAL, TinyJobs.config(2), TinyJobs.data(), parent, null)) {
      Map<String, NDArray> before = snapshot(m, s);
      s.runStep();
      s.runStep();
      Map<String, Parameter> now = allQuery(s);
      int statsChanged = 0;
      for (var e : before.entrySet()) {
        Parameter p = now.get(e.getKey());
        boolean stat =
            p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR;
        boolean same = e.getValue().contentEquals(p.getArray());
        if (stat) {
          if (!same) statsChanged++;
        } else {
          assertThat(same).as("%s unchanged", e.getKey()).isTrue();
        }
      }
      assertThat(statsChanged).isEqualTo(2 * 20); // 20 BN layers in a ResNet-18, mean and var each
    }
  }

  @Test
  void nanLossStopsBeforeTheOptimizerStep() {
    try (NDManager m = NDManager.newBaseManager();
        PretrainSession s =
            new PretrainSession(
                Strategy.HPT, TinyJobs.config(5).withBaseLr(1e30), TinyJobs.data(), parent, null)) {
      assertThatThrownBy(
              () -> {
                for (int i = 0; i < 5; i++) s.runStep();
              })
          .isInstanceOf(NonFiniteLossException.class)
          .hasMessageContaining("loss is");
    }
  }

  @Test
  void hptNeedsAParentAndTargetRefusesOne() {
    assertThatThrownBy(
            () ->
                new PretrainSession(Strategy.HPT, TinyJobs.config(1), TinyJobs.data(), null, null))
        .hasMessageContaining("needs a parent");
    assertThatThrownBy(
            () ->
                new PretrainSession(
                    Strategy.TARGET, TinyJobs.config(1), TinyJobs.data(), parent, null))
        .hasMessageContaining("random init");
  }

  private static Map<String, Parameter> allQuery(PretrainSession s) {
    Map<String, Parameter> out = new java.util.LinkedHashMap<>();
    s.model().query().allParameters().forEach((k, v) -> out.put("query." + k, v));
    return out;
  }

  private static Map<String, NDArray> snapshot(NDManager m, PretrainSession s) {
    Map<String, NDArray> out = new java.util.LinkedHashMap<>();
    allQuery(s)
        .forEach(
            (k, v) -> {
              NDArray c = v.getArray().duplicate();
              c.attach(m);
              out.put(k, c);
            });
    return out;
  }
}
