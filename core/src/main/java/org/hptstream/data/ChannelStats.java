package org.hptstream.data;

import java.util.Arrays;

/**
 * Per-channel pixel mean and standard deviation on the [0, 1] scale. HPT normalises each domain
 * with its own statistics (not ImageNet's), so these travel with every checkpoint.
 */
public record ChannelStats(float[] mean, float[] std) {
  public ChannelStats {
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException("mean and std need the same, non-zero length");
    }
    for (float s : std) {
      if (!(s > 0f)) {
        throw new IllegalArgumentException("std must be > 0, got " + Arrays.toString(std));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  public int channels() {
    return mean.length;
  }

  /**
   * The same statistics for {@code channels} channels: a grey domain expanded to RGB repeats its
   * one value.
   */
  public ChannelStats expandTo(int channels) {
    if (channels == mean.length) {
      return this;
    }
    if (mean.length != 1) {
      throw new IllegalArgumentException(
          "cannot expand " + mean.length + " channels to " + channels);
    }
    float[] m = new float[channels];
    float[] s = new float[channels];
    Arrays.fill(m, mean[0]);
    Arrays.fill(s, std[0]);
    return new ChannelStats(m, s);
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChannelStats c && Arrays.equals(mean, c.mean) && Arrays.equals(std, c.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "ChannelStats[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
  }
}
