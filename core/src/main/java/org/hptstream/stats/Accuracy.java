package org.hptstream.stats;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Top-k accuracy counts from class scores, as NDArray ops so they run where the scores are. */
public final class Accuracy {
  private Accuracy() {}

  /**
   * Counts, per leading index, how many rows have their label among the {@code k} highest scores.
   *
   * @param scores {@code [..., n, C]} class scores (any leading batch dimensions)
   * @param labels int64 {@code [n]} labels
   * @return float {@code [...]}: the number of hits over the n rows
   */
  public static NDArray hits(NDArray scores, NDArray labels, int k) {
    int rank = scores.getShape().dimension();
    long n = labels.getShape().get(0);
    long[] lshape = new long[rank];
    java.util.Arrays.fill(lshape, 1);
    lshape[rank - 2] = n;
    NDArray lab = labels.reshape(lshape); // [1.., n, 1]
    NDArray hit;
    if (k == 1) {
      hit = scores.argMax(-1).expandDims(-1).eq(lab).squeeze(-1);
    } else {
      NDArray top = scores.topK(k, -1).get(1); // [..., n, k]
      hit =
          top.eq(lab)
              .toType(DataType.FLOAT32, false)
              .sum(new int[] {-1}); // labels occur at most once in the top k
    }
    return hit.toType(DataType.FLOAT32, false).sum(new int[] {-1});
  }
}
