package org.hptstream.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * A matrix of pooled features, one row per image, with the images' labels when they have any.
 *
 * <p>Held on the Java heap (row-major floats) so one extraction pass can be cached and reused by
 * every cheap protocol (probe, kNN, health) on whatever device each runs. Immutable; the arrays
 * handed out must not be modified.
 */
public final class Features {
  private final float[] values;
  private final int size;
  private final int dim;
  private final int[] labels;

  private Features(float[] values, int size, int dim, int[] labels) {
    this.values = values;
    this.size = size;
    this.dim = dim;
    this.labels = labels;
  }

  /**
   * Wraps row-major {@code [size, dim]} values (not copied).
   *
   * @param labels one non-negative label per row, or {@code null}
   */
  public static Features of(float[] values, int size, int dim, int[] labels) {
    Objects.requireNonNull(values, "values");
    if (size < 0 || dim <= 0 || (long) size * dim != values.length) {
      throw new IllegalArgumentException(
          "features: "
              + values.length
              + " values do not make a ["
              + size
              + ", "
              + dim
              + "] matrix");
    }
    if (labels != null) {
      if (labels.length != size) {
        throw new IllegalArgumentException(labels.length + " labels for " + size + " feature rows");
      }
      for (int l : labels) {
        if (l < 0) {
          throw new IllegalArgumentException("negative label " + l);
        }
      }
    }
    return new Features(values, size, dim, labels);
  }

  public int size() {
    return size;
  }

  public int dim() {
    return dim;
  }

  public boolean hasLabels() {
    return labels != null;
  }

  /** The labels (shared, do not modify). */
  public int[] labels() {
    if (labels == null) {
      throw new IllegalStateException("these features have no labels");
    }
    return labels;
  }

  /** {@code max(label) + 1}, 0 when unlabeled or empty. */
  public int maxLabelPlusOne() {
    int m = 0;
    if (labels != null) {
      for (int l : labels) {
        m = Math.max(m, l + 1);
      }
    }
    return m;
  }

  /** The row-major values (shared, do not modify). */
  public float[] values() {
    return values;
  }

  /** All rows as a float32 {@code [N, D]} array owned by {@code manager}. */
  public NDArray toNDArray(NDManager manager) {
    return manager.create(values, new Shape(size, dim));
  }

  /** Rows {@code [from, to)} as a float32 {@code [to - from, D]} array owned by {@code manager}. */
  public NDArray toNDArray(NDManager manager, int from, int to) {
    Objects.checkFromToIndex(from, to, size);
    float[] rows = new float[(to - from) * dim];
    System.arraycopy(values, from * dim, rows, 0, rows.length);
    return manager.create(rows, new Shape(to - from, dim));
  }

  /** The labels as an int64 {@code [N]} array owned by {@code manager}. */
  public NDArray labelsNDArray(NDManager manager) {
    return labelsNDArray(manager, 0, size);
  }

  /** Labels {@code [from, to)} as an int64 array owned by {@code manager}. */
  public NDArray labelsNDArray(NDManager manager, int from, int to) {
    Objects.checkFromToIndex(from, to, size);
    int[] src = labels();
    long[] l = new long[to - from];
    for (int i = from; i < to; i++) {
      l[i - from] = src[i];
    }
    return manager.create(l);
  }

  /** The rows at {@code indices}, in that order (copied). */
  public Features select(int[] indices) {
    float[] out = new float[indices.length * dim];
    int[] outLabels = labels == null ? null : new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      int src = Objects.checkIndex(indices[i], size);
      System.arraycopy(values, src * dim, out, i * dim, dim);
      if (outLabels != null) {
        outLabels[i] = labels[src];
      }
    }
    return new Features(out, indices.length, dim, outLabels);
  }

  /**
   * Checks that every label lies in {@code [0, numClasses)}.
   *
   * @param what names the split in the error, e.g. "test"
   * @throws IllegalArgumentException on an unlabeled or empty split or a label out of range
   */
  public void requireLabelsBelow(int numClasses, String what) {
    if (labels == null) {
      throw new IllegalArgumentException("the " + what + " split has no labels");
    }
    if (size == 0) {
      throw new IllegalArgumentException("the " + what + " split is empty");
    }
    for (int i = 0; i < size; i++) {
      if (labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            "the "
                + what
                + " split has label "
                + labels[i]
                + " (row "
                + i
                + ") out of range [0, "
                + numClasses
                + ")");
      }
    }
  }

  @Override
  public String toString() {
    return "Features[" + size + " x " + dim + (labels == null ? ", unlabeled" : "") + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Features f
        && f.size == size
        && f.dim == dim
        && Arrays.equals(f.values, values)
        && Arrays.equals(f.labels, labels);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(values) + Arrays.hashCode(labels);
  }
}
