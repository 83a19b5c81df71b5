package org.hptstream.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Copies that survive their source being overwritten, closed and collected, on real libtorch. */
class TensorCopyTest {
  private static final NDIndex ALL = new NDIndex("...");
  private static final float[] VALUES = {1, 2, 3, 4, 5, 6};

  @Test
  void theEngineAliasesOnToTypeWithTheCopyFlag() {
    // Why TensorCopy exists: if this ever fails, DJL copies again and the class comment is stale.
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray src = m.create(VALUES, new Shape(2, 3));
      NDArray alias = src.toType(DataType.FLOAT32, true);
      src.set(ALL, 7f);
      float first = alias.toFloatArray()[0];
      alias.close();
      assertThat(first).isEqualTo(7f);
    }
  }

  @Test
  void aCopyOfADecodedArrayOutlivesItsSource() throws IOException {
    byte[] npz;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(VALUES, new Shape(2, 3));
      a.setName("w");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new NDList(a).encode(out, NDList.Encoding.NPZ);
      npz = out.toByteArray();
    }
    try (NDManager owner = NDManager.newBaseManager()) {
      NDArray copy;
      try (NDManager sources = NDManager.newBaseManager()) {
        NDList decoded = NDList.decode(sources, new ByteArrayInputStream(npz));
        copy = TensorCopy.of(decoded.get(0), owner);
        decoded.get(0).set(ALL, -1f);
      }
      collectGarbage();
      assertThat(copy.getName()).isEqualTo("w");
      assertThat(copy.getManager()).isSameAs(owner);
      assertThat(copy.toFloatArray()).containsExactly(VALUES);
      copy.addi(1f); // writes into its own storage
      assertThat(copy.toFloatArray()[5]).isEqualTo(7f);
    }
  }

  @Test
  void convertsTypeIntoFreshStorage() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray src = m.create(new double[] {0.5, 1.5, -2});
      NDArray f = TensorCopy.of(src, m, DataType.FLOAT32, src.getDevice());
      src.set(ALL, 9.0);
      assertThat(f.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(f.toFloatArray()).containsExactly(0.5f, 1.5f, -2f);
    }
  }

  @Test
  void copiesScalarsAndIntegers() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray step = m.create(41L);
      NDArray copy = TensorCopy.of(step, m);
      step.set(ALL, 0L);
      assertThat(copy.getShape()).isEqualTo(new Shape());
      assertThat(copy.toLongArray()).containsExactly(41L);
    }
  }

  @Test
  void intoWritesInPlaceAndKeepsNothingOfTheSource() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray target = m.zeros(new Shape(2, 3));
      NDArray view = target.get("0"); // a view of target's storage sees the write
      try (NDManager sources = NDManager.newBaseManager()) {
        NDArray src = sources.create(VALUES, new Shape(2, 3)).toType(DataType.FLOAT64, false);
        TensorCopy.into(src, target);
        src.set(ALL, -1.0);
      }
      collectGarbage();
      assertThat(target.toFloatArray()).containsExactly(VALUES);
      assertThat(view.toFloatArray()).containsExactly(1f, 2f, 3f);
      assertThatThrownBy(() -> TensorCopy.into(m.zeros(new Shape(3, 2)), target))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("(3, 2)");
    }
  }

  /** Frees unreachable direct buffers, so a dangling alias would read released memory. */
  private static void collectGarbage() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      byte[][] churn = new byte[64][];
      for (int j = 0; j < churn.length; j++) churn[j] = new byte[1 << 16];
    }
  }
}
