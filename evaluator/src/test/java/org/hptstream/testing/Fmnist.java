package org.hptstream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.hptstream.features.Features;

/** Real Fashion-MNIST (Debian's dataset-fashion-mnist; FashionMnist reads it once per JVM). */
public final class Fmnist {
  private Fmnist() {}

  public static ImageSet train() {
    try {
      return FashionMnist.train();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ImageSet test() {
    try {
      return FashionMnist.test();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Raw pixels in [0, 1] as 784-dim features: a real, non-trivial feature matrix. */
  public static Features pixels(ImageSet images) {
    byte[] p = images.pixels();
    float[] v = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      v[i] = (p[i] & 0xff) / 255f;
    }
    return Features.of(v, images.size(), images.imageBytes(), images.labels());
  }

  /** Every row the same vector: features that carry no information. */
  public static Features constant(ImageSet images, int dim) {
    float[] v = new float[images.size() * dim];
    for (int i = 0; i < v.length; i++) {
      v[i] = 0.5f + (i % dim) * 0.01f;
    }
    return Features.of(v, images.size(), dim, images.labels());
  }

  /**
   * The largest share of one class among {@code f}'s labels: what predicting one class scores at
   * best.
   */
  public static double majorityShare(Features f) {
    int[] count = new int[f.maxLabelPlusOne()];
    for (int l : f.labels()) {
      count[l]++;
    }
    return (double) java.util.Arrays.stream(count).max().orElse(0) / f.size();
  }
}
