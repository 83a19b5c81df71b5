package org.hptstream.augment;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hptstream.data.ChannelStats;

/**
 * MoCo v2's random view as batched NDArray ops (CPU or GPU): every image gets its own crop box,
 * jitter factors, jitter order and stage decisions, all drawn in Java ({@link ViewDraw}).
 *
 * <p>Stages, in torchvision's order: RandomResizedCrop (antialiased bilinear) + horizontal flip as
 * one separable matmul pair, ColorJitter (per-image random order of brightness, contrast,
 * saturation, hue; clamped to [0,1] after each like torchvision), RandomGrayscale, GaussianBlur
 * (separable per-image depthwise convolution, reflect padding), then normalisation. The flip is
 * folded into the crop because it commutes with the colour and blur stages (symmetric kernel,
 * symmetric padding).
 *
 * <p>Input: uint8 (or float in [0,255]) [B,C,H,W] with C = 1 or 3; one-channel images are cropped
 * in one channel then expanded to RGB. Output: float32 [B,3,size,size] on the input's device, owned
 * by the input's manager.
 */
public final class BatchAugmenter {
  private static final float[] GRAY = {0.2989f, 0.587f, 0.114f};

  private final AugmentConfig config;
  private final ChannelStats norm;

  /**
   * @param norm the domain's own pixel statistics; one channel is expanded to RGB
   */
  public BatchAugmenter(AugmentConfig config, ChannelStats norm) {
    this.config = config;
    this.norm = norm.expandTo(3);
  }

  public AugmentConfig config() {
    return config;
  }

  /** Draws one view per image from {@code rng} (image order) and applies them. */
  public NDArray apply(NDArray images, Random rng) {
    return apply(images, draw(images.getShape(), rng));
  }

  /** Draws the per-image parameters for a batch of the given shape without applying them. */
  public List<ViewDraw> draw(Shape shape, Random rng) {
    int b = (int) shape.get(0);
    int h = (int) shape.get(2);
    int w = (int) shape.get(3);
    List<ViewDraw> draws = new ArrayList<>(b);
    for (int i = 0; i < b; i++) draws.add(ViewDraw.sample(config, h, w, rng));
    return draws;
  }

  /**
   * Applies given per-image draws (one per image). The batch is first regrouped so that images with
   * colour jitter come first, ordered by the slot their hue op takes: every jitter op then works on
   * a contiguous slice holding exactly the images that need it, and the output is put back in input
   * order.
   */
  public NDArray apply(NDArray images, List<ViewDraw> draws) {
    Shape shape = images.getShape();
    if (shape.dimension() != 4 || (shape.get(1) != 1 && shape.get(1) != 3))
      throw new IllegalArgumentException("expected [B,1|3,H,W] images, got " + shape);
    int b = (int) shape.get(0);
    if (draws.size() != b)
      throw new IllegalArgumentException(draws.size() + " draws for " + b + " images");
    int h = (int) shape.get(2);
    int w = (int) shape.get(3);
    boolean rgb = shape.get(1) == 3;
    int s = config.size();
    int[] perm = jitterGroups(draws);
    List<ViewDraw> d = new ArrayList<>(b);
    for (int i : perm) d.add(draws.get(i));
    boolean reordered = !isIdentity(perm);
    NDManager owner = images.getManager();
    Device dev = images.getDevice();
    try (NDManager m = owner.newSubManager(dev)) {
      float[] top = new float[b], left = new float[b], ch = new float[b], cw = new float[b];
      float[] flip = new float[b], noFlip = new float[b], sigma = new float[b], gray = new float[b];
      for (int i = 0; i < b; i++) {
        ViewDraw v = d.get(i);
        top[i] = v.top();
        left[i] = v.left();
        ch[i] = v.height();
        cw[i] = v.width();
        flip[i] = v.flip() ? 1 : 0;
        sigma[i] = v.sigma();
        gray[i] = v.gray() ? 1 : 0;
      }
      NDArray src = images;
      if (reordered) {
        src = images.get(index(m, dev, perm));
        src.attach(m);
      }
      NDArray x = asFloat(src, m);
      NDArray ry = Resample.bilinear(m, dev, top, ch, noFlip, s, h);
      NDArray rx = Resample.bilinear(m, dev, left, cw, flip, s, w);
      x = resample(x, ry, rx).divi(255f);
      if (config.jitterP() > 0) x = jitter(m, dev, x, d, rgb);
      // a one-channel image stays grey through jitter and grayscale: it is expanded by
      // normalisation
      if (config.grayP() > 0 && rgb) x = grayscale(m, dev, x, gray);
      if (config.blurP() > 0) x = Resample.blur(m, dev, x, sigma);
      NDArray out = normalize(x, norm);
      if (reordered) out = out.get(index(m, dev, inverse(perm)));
      out.attach(owner);
      return out;
    }
  }

  /** Jittered images first, grouped by the slot of their hue op (stable), then the others. */
  private static int[] jitterGroups(List<ViewDraw> draws) {
    Integer[] idx = new Integer[draws.size()];
    for (int i = 0; i < idx.length; i++) idx[i] = i;
    java.util.Arrays.sort(idx, java.util.Comparator.comparingInt(i -> hueSlot(draws.get(i))));
    int[] out = new int[idx.length];
    for (int i = 0; i < out.length; i++) out[i] = idx[i];
    return out;
  }

  /** Slot (0-3) of the hue op of a jittered view, 4 when the view is not jittered. */
  private static int hueSlot(ViewDraw v) {
    if (!v.jittered()) return 4;
    for (int k = 0; k < 4; k++) if (v.jitterOrder()[k] == 3) return k;
    throw new IllegalStateException("jitter order without hue");
  }

  private static boolean isIdentity(int[] p) {
    for (int i = 0; i < p.length; i++) if (p[i] != i) return false;
    return true;
  }

  private static int[] inverse(int[] p) {
    int[] inv = new int[p.length];
    for (int i = 0; i < p.length; i++) inv[p[i]] = i;
    return inv;
  }

  private static NDArray index(NDManager m, Device dev, int[] idx) {
    long[] l = new long[idx.length];
    for (int i = 0; i < l.length; i++) l[i] = idx[i];
    return m.create(l).toDevice(dev, false);
  }

  /**
   * The batch as float32; a converted copy is attached to {@code scope}, the caller's array is
   * never moved.
   */
  static NDArray asFloat(NDArray images, NDManager scope) {
    if (images.getDataType() == DataType.FLOAT32) return images;
    NDArray x = images.toType(DataType.FLOAT32, false);
    x.attach(scope);
    return x;
  }

  /**
   * {@code (x - mean) / std} per channel on a float [B,3,H,W] batch; the result belongs to x's
   * manager.
   */
  static NDArray normalize(NDArray x, ChannelStats stats) {
    NDManager m = x.getManager();
    try (NDArray mu = m.create(stats.mean(), new Shape(1, 3, 1, 1)).toDevice(x.getDevice(), false);
        NDArray sd = m.create(stats.std(), new Shape(1, 3, 1, 1)).toDevice(x.getDevice(), false)) {
      return x.sub(mu).divi(sd);
    }
  }

  /** {@code ry [B,S,H] . x [B,C,H,W] . rx^T [B,W,T]}, the cheaper axis first. */
  static NDArray resample(NDArray x, NDArray ry, NDArray rx) {
    NDArray rxT = rx.expandDims(1).transpose(0, 1, 3, 2);
    NDArray ryE = ry.expandDims(1);
    long s = ry.getShape().get(1),
        h = ry.getShape().get(2),
        w = rx.getShape().get(2),
        t = rx.getShape().get(1);
    // rows first costs s*h*w + s*w*t, columns first h*w*t + s*h*t
    return s * h * w + s * w * t <= h * w * t + s * h * t
        ? ryE.matMul(x).matMul(rxT)
        : ryE.matMul(x.matMul(rxT));
  }

  /**
   * Colour jitter with a per-image random order, on the leading slice of jittered images: four
   * slots; in each slot every image applies its own op. Brightness, contrast and saturation are all
   * {@code a*x + b*gray(x) + c*mean(gray(x))}, so one fused affine op per slot serves all three;
   * hue runs on the contiguous group whose hue op sits in that slot. Each op clamps to [0,1] like
   * torchvision. One-channel images skip saturation and hue, which leave grey images unchanged.
   */
  private NDArray jitter(NDManager m, Device dev, NDArray x, List<ViewDraw> draws, boolean rgb) {
    int b = draws.size();
    int n = 0;
    while (n < b && draws.get(n).jittered()) n++;
    if (n == 0) return x;
    NDArray j = n == b ? x : x.get("0:" + n);
    for (int slot = 0; slot < 4; slot++) {
      float[] a = new float[n], bg = new float[n], cm = new float[n], hs = new float[n];
      boolean anyAffine = false, anyGray = false, anyMean = false;
      int hueFrom = -1, hueTo = -1;
      for (int i = 0; i < n; i++) {
        ViewDraw d = draws.get(i);
        a[i] = 1;
        switch (d.jitterOrder()[slot]) {
          case 0 -> a[i] = d.brightness();
          case 1 -> {
            a[i] = d.contrast();
            cm[i] = 1 - d.contrast();
          }
          case 2 -> {
            if (rgb) {
              a[i] = d.saturation();
              bg[i] = 1 - d.saturation();
            }
          }
          default -> {
            if (hueFrom < 0) hueFrom = i;
            hueTo = i + 1;
            hs[i] = d.hue();
          }
        }
        anyAffine |= a[i] != 1;
        anyGray |= bg[i] != 0;
        anyMean |= cm[i] != 0;
      }
      if (anyAffine) j = affine(m, dev, j, a, bg, cm, anyGray, anyMean);
      if (rgb && hueFrom >= 0) {
        float[] shift = java.util.Arrays.copyOfRange(hs, hueFrom, hueTo);
        NDArray hued = shiftHue(j.get(hueFrom + ":" + hueTo), col(m, dev, shift));
        NDList parts = new NDList(3);
        if (hueFrom > 0) parts.add(j.get("0:" + hueFrom));
        parts.add(hued);
        if (hueTo < n) parts.add(j.get(hueTo + ":"));
        j = parts.size() == 1 ? hued : ai.djl.ndarray.NDArrays.concat(parts, 0);
      }
    }
    return n == b ? j : j.concat(x.get(n + ":"), 0);
  }

  /**
   * {@code clamp(a*x + bg*gray(x) + cm*mean(gray(x)), 0, 1)} per image as one batched 3x3 colour
   * matrix product (M = a I + bg 1 w^T) plus an offset: a few passes over the pixels instead of one
   * per elementary op. mean(gray(x)) = w . (per-channel means), by linearity.
   */
  private static NDArray affine(
      NDManager m,
      Device dev,
      NDArray j,
      float[] a,
      float[] bg,
      float[] cm,
      boolean anyGray,
      boolean anyMean) {
    long[] sh = j.getShape().getShape();
    int n = (int) sh[0], c = (int) sh[1];
    NDArray flat = j.reshape(n, c, -1);
    NDArray y;
    if (c == 3 && anyGray) {
      float[] mats = new float[n * 9];
      for (int i = 0; i < n; i++) {
        for (int r = 0; r < 3; r++) {
          for (int k = 0; k < 3; k++)
            mats[i * 9 + r * 3 + k] = (r == k ? a[i] : 0) + bg[i] * GRAY[k];
        }
      }
      y = m.create(mats, new Shape(n, 3, 3)).toDevice(dev, false).matMul(flat);
    } else {
      y = flat.mul(m.create(a, new Shape(n, 1, 1)).toDevice(dev, false));
    }
    if (anyMean) {
      NDArray means = flat.mean(new int[] {2}, true); // [n,c,1]
      NDArray grayMean =
          c == 3
              ? m.create(GRAY, new Shape(1, 1, 3)).toDevice(dev, false).matMul(means) // [n,1,1]
              : means;
      y = y.addi(grayMean.mul(m.create(cm, new Shape(n, 1, 1)).toDevice(dev, false)));
    }
    return y.clip(0f, 1f).reshape(sh);
  }

  private static NDArray grayscale(NDManager m, Device dev, NDArray x, float[] mask) {
    NDArray k = col(m, dev, mask);
    NDArray g = gray(m, dev, x);
    return x.add(g.sub(x).mul(k));
  }

  /** ITU-R 601 luma as torchvision's rgb_to_grayscale: [B,1,H,W]. */
  private static NDArray gray(NDManager m, Device dev, NDArray x) {
    NDArray w = m.create(GRAY, new Shape(1, 3, 1, 1)).toDevice(dev, false);
    return x.mul(w).sum(new int[] {1}, true);
  }

  /**
   * Hue rotation in HSV space, exactly torchvision's adjust_hue: hue from its rgb->hsv ({@code h*6}
   * = (g-b)/c, 2+(b-r)/c or 4+(r-g)/c by the max channel), back with the closed form {@code v -
   * c*clamp(min(k, 4-k), 0, 1)}, {@code k = (n + 6h) mod 6} for n = 5, 3, 1, where v = max and c =
   * max - min are invariant under the rotation.
   */
  static NDArray shiftHue(NDArray x, NDArray shift) {
    NDArray r = x.get(":,0:1");
    NDArray g = x.get(":,1:2");
    NDArray bl = x.get(":,2:3");
    NDArray maxc = x.max(new int[] {1}, true);
    NDArray cr = maxc.sub(x.min(new int[] {1}, true));
    NDArray safe =
        cr.add(cr.eq(0f).toType(DataType.FLOAT32, false)); // grey pixels: hue 0, any divisor
    NDArray h6 =
        ai.djl.ndarray.NDArrays.where(
            maxc.eq(r),
            g.sub(bl).div(safe),
            ai.djl.ndarray.NDArrays.where(
                maxc.eq(g), bl.sub(r).div(safe).add(2f), r.sub(g).div(safe).add(4f)));
    h6 = h6.add(shift.mul(6f)).add(12f).mod(6f); // h6 in [-1,5), shift in [-3,3]: stays positive
    NDList channels = new NDList(3);
    for (float n : new float[] {5f, 3f, 1f}) {
      NDArray k = h6.add(n).mod(6f);
      channels.add(maxc.sub(cr.mul(k.minimum(k.neg().add(4f)).clip(0f, 1f))));
    }
    return ai.djl.ndarray.NDArrays.concat(channels, 1);
  }

  /** A per-image scalar as [B,1,1,1]. */
  private static NDArray col(NDManager m, Device dev, float[] v) {
    return m.create(v, new Shape(v.length, 1, 1, 1)).toDevice(dev, false);
  }
}
