package org.hptstream.augment;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.hptstream.data.ChannelStats;

/**
 * Evaluation transform: resize the shorter side to {@code size / cropFraction}, centre-crop {@code
 * size}, normalise (torchvision's Resize(256) + CenterCrop(224) for cropFraction 0.875). Done as
 * one antialiased resample of the centre box, which equals resize-then-crop up to the resize's
 * rounding of the longer side.
 */
public final class EvalTransform {
  private final int size;
  private final double cropFraction;
  private final ChannelStats norm;

  public EvalTransform(int size, double cropFraction, ChannelStats norm) {
    if (size < 1 || !(cropFraction > 0 && cropFraction <= 1))
      throw new IllegalArgumentException("need size >= 1 and 0 < cropFraction <= 1");
    this.size = size;
    this.cropFraction = cropFraction;
    this.norm = norm.expandTo(3);
  }

  /** The paper's 224 px eval transform (resize 256, centre crop 224). */
  public static EvalTransform imagenetStyle(int size, ChannelStats norm) {
    return new EvalTransform(size, 0.875, norm);
  }

  /**
   * uint8 [B,C,H,W] (C = 1 or 3) to normalised float [B,3,size,size] owned by the input's manager.
   */
  public NDArray apply(NDArray images) {
    long[] s = images.getShape().getShape();
    if (s.length != 4 || (s[1] != 1 && s[1] != 3))
      throw new IllegalArgumentException("expected [B,1|3,H,W] images, got " + images.getShape());
    int b = (int) s[0];
    int h = (int) s[2];
    int w = (int) s[3];
    double resized = size / cropFraction;
    double f = Math.min(h, w) / resized; // input pixels per resized pixel
    float len = (float) (size * f);
    float top = (float) ((h - len) / 2);
    float left = (float) ((w - len) / 2);
    NDManager owner = images.getManager();
    Device dev = images.getDevice();
    try (NDManager m = owner.newSubManager(dev)) {
      float[] lens = fill(b, len);
      float[] zeros = new float[b];
      NDArray x = BatchAugmenter.asFloat(images, m);
      NDArray ry = Resample.bilinear(m, dev, fill(b, top), lens, zeros, size, h);
      NDArray rx = Resample.bilinear(m, dev, fill(b, left), lens, zeros, size, w);
      x = BatchAugmenter.resample(x, ry, rx).divi(255f);
      if (s[1] == 1) x = x.repeat(1, 3);
      NDArray out = BatchAugmenter.normalize(x, norm);
      out.attach(owner);
      return out;
    }
  }

  private static float[] fill(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }
}
