package org.hptstream.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Per-channel mean and standard deviation of a domain's pixels on the [0,1] scale. MoCo views are
 * normalised with the domain's own statistics, not ImageNet's. A one-channel domain is expanded to
 * three channels, since the views are always RGB.
 */
public record Normalization(float[] mean, float[] std) {

  public Normalization {
    if (mean.length != std.length || (mean.length != 1 && mean.length != 3))
      throw new IllegalArgumentException("mean/std need 1 or 3 channels, got " + mean.length + "/" + std.length);
    for (float s : std)
      if (!(s > 0)) throw new IllegalArgumentException("std must be > 0, got " + Arrays.toString(std));
    mean = mean.clone();
    std = std.clone();
  }

  /** Builds from doubles (e.g. statistics computed over a data set). */
  public static Normalization of(double[] mean, double[] std) {
    float[] m = new float[mean.length];
    float[] s = new float[std.length];
    for (int i = 0; i < m.length; i++) m[i] = (float) mean[i];
    for (int i = 0; i < s.length; i++) s[i] = (float) std[i];
    return new Normalization(m, s);
  }

  /** The same statistics for three channels. */
  public Normalization rgb() {
    if (mean.length == 3) return this;
    return new Normalization(new float[] {mean[0], mean[0], mean[0]}, new float[] {std[0], std[0], std[0]});
  }

  /** Normalises a float [B,3,H,W] batch in [0,1]; the result belongs to {@code x}'s manager. */
  NDArray apply(NDArray x) {
    Normalization n = rgb();
    NDManager m = x.getManager();
    try (NDArray mu = m.create(n.mean, new Shape(1, 3, 1, 1)).toDevice(x.getDevice(), false);
        NDArray sd = m.create(n.std, new Shape(1, 3, 1, 1)).toDevice(x.getDevice(), false)) {
      return x.sub(mu).divi(sd);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
  }
}
