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
 * one separable matmul pair, ColorJitter (per-image random order of brightness, contrast, saturation,
 * hue; clamped to [0,1] after each like torchvision), RandomGrayscale, GaussianBlur (separable,
 * reflect padding), then normalisation. The flip is folded into the crop because it commutes with the
 * colour and blur stages (symmetric kernel, symmetric padding).
 *
 * <p>Input: uint8 (or float in [0,255]) [B,C,H,W] with C = 1 or 3; one-channel images are cropped in
 * one channel then expanded to RGB. Output: float32 [B,3,size,size] on the input's device, owned by
 * the input's manager.
 */
public final class BatchAugmenter {
  private static final float[] GRAY = {0.2989f, 0.587f, 0.114f};

  private final AugmentConfig config;
  private final ChannelStats norm;

  /** @param norm the domain's own pixel statistics; one channel is expanded to RGB */
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

  /** Applies given per-image draws (one per image). */
  public NDArray apply(NDArray images, List<ViewDraw> draws) {
    Shape shape = images.getShape();
    if (shape.dimension() != 4 || (shape.get(1) != 1 && shape.get(1) != 3))
      throw new IllegalArgumentException("expected [B,1|3,H,W] images, got " + shape);
    int b = (int) shape.get(0);
    if (draws.size() != b) throw new IllegalArgumentException(draws.size() + " draws for " + b + " images");
    int h = (int) shape.get(2);
    int w = (int) shape.get(3);
    int s = config.size();
    NDManager owner = images.getManager();
    Device dev = images.getDevice();
    try (NDManager m = owner.newSubManager(dev)) {
      float[] top = new float[b], left = new float[b], ch = new float[b], cw = new float[b];
      float[] flip = new float[b], noFlip = new float[b], sigma = new float[b], gray = new float[b];
      for (int i = 0; i < b; i++) {
        ViewDraw d = draws.get(i);
        top[i] = d.top();
        left[i] = d.left();
        ch[i] = d.height();
        cw[i] = d.width();
        flip[i] = d.flip() ? 1 : 0;
        sigma[i] = d.sigma();
        gray[i] = d.gray() ? 1 : 0;
      }
      NDArray x = asFloat(images, m);
      NDArray ry = Resample.bilinear(m, dev, top, ch, noFlip, s, h);
      NDArray rx = Resample.bilinear(m, dev, left, cw, flip, s, w);
      x = resample(x, ry, rx).divi(255f);
      if (shape.get(1) == 1) x = x.repeat(1, 3);
      if (config.jitterP() > 0) x = jitter(m, dev, x, draws);
      if (config.grayP() > 0) x = grayscale(m, dev, x, gray);
      if (config.blurP() > 0) {
        NDArray g = Resample.gaussian(m, dev, sigma, s);
        x = resample(x, g, g);
      }
      NDArray out = normalize(x, norm);
      out.attach(owner);
      return out;
    }
  }

  /** The batch as float32; a converted copy is attached to {@code scope}, the caller's array is never moved. */
  static NDArray asFloat(NDArray images, NDManager scope) {
    if (images.getDataType() == DataType.FLOAT32) return images;
    NDArray x = images.toType(DataType.FLOAT32, false);
    x.attach(scope);
    return x;
  }

  /** {@code (x - mean) / std} per channel on a float [B,3,H,W] batch; the result belongs to x's manager. */
  static NDArray normalize(NDArray x, ChannelStats stats) {
    NDManager m = x.getManager();
    try (NDArray mu = m.create(stats.mean(), new Shape(1, 3, 1, 1)).toDevice(x.getDevice(), false);
        NDArray sd = m.create(stats.std(), new Shape(1, 3, 1, 1)).toDevice(x.getDevice(), false)) {
      return x.sub(mu).divi(sd);
    }
  }

  /** {@code ry [B,S,H] . x [B,C,H,W] . rx^T [B,W,S]} */
  static NDArray resample(NDArray x, NDArray ry, NDArray rx) {
    return ry.expandDims(1).matMul(x).matMul(rx.expandDims(1).transpose(0, 1, 3, 2));
  }

  /**
   * Colour jitter with a per-image random order: four slots; in each slot every image applies its own
   * op. Brightness, contrast and saturation are all {@code a*x + b*gray(x) + c*mean(gray(x))}, so one
   * fused affine op per slot serves all three; hue runs per slot with a zero shift for images whose op
   * in that slot is not hue.
   */
  private NDArray jitter(NDManager m, Device dev, NDArray x, List<ViewDraw> draws) {
    int b = draws.size();
    for (int slot = 0; slot < 4; slot++) {
      float[] a = new float[b], bg = new float[b], cm = new float[b], hs = new float[b];
      boolean anyAffine = false;
      boolean anyHue = false;
      for (int i = 0; i < b; i++) {
        ViewDraw d = draws.get(i);
        a[i] = 1;
        if (!d.jittered()) continue;
        switch (d.jitterOrder()[slot]) {
          case 0 -> a[i] = d.brightness();
          case 1 -> {
            a[i] = d.contrast();
            cm[i] = 1 - d.contrast();
          }
          case 2 -> {
            a[i] = d.saturation();
            bg[i] = 1 - d.saturation();
          }
          default -> hs[i] = d.hue();
        }
        anyAffine |= a[i] != 1;
        anyHue |= hs[i] != 0;
      }
      if (anyAffine) {
        NDArray g = gray(m, dev, x);
        NDArray mean = g.reshape(b, -1).mean(new int[] {1}, true).reshape(b, 1, 1, 1);
        x = x.mul(col(m, dev, a)).add(g.mul(col(m, dev, bg))).add(mean.mul(col(m, dev, cm))).clip(0f, 1f);
      }
      if (anyHue) x = shiftHue(x, col(m, dev, hs));
    }
    return x;
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
   * Hue rotation in HSV space (torchvision's adjust_hue): hue from torchvision's rgb->hsv, back with
   * the closed form {@code v - v*s*clamp(min(k, 4-k), 0, 1)}, {@code k = (n + 6h) mod 6}, n = 5,3,1.
   */
  static NDArray shiftHue(NDArray x, NDArray shift) {
    NDArray r = x.get(":,0:1");
    NDArray g = x.get(":,1:2");
    NDArray bl = x.get(":,2:3");
    NDArray maxc = x.max(new int[] {1}, true);
    NDArray minc = x.min(new int[] {1}, true);
    NDArray cr = maxc.sub(minc);
    NDArray eqc = maxc.eq(minc);
    NDArray div = cr.add(eqc.toType(DataType.FLOAT32, false)); // 1 where max == min (then cr == 0)
    NDArray rc = maxc.sub(r).div(div);
    NDArray gc = maxc.sub(g).div(div);
    NDArray bc = maxc.sub(bl).div(div);
    NDArray isR = maxc.eq(r);
    NDArray isG = maxc.eq(g).logicalAnd(isR.logicalNot());
    NDArray isB = isR.logicalOr(isG).logicalNot();
    NDArray hue = bc.sub(gc).mul(isR.toType(DataType.FLOAT32, false))
        .add(rc.sub(bc).add(2f).mul(isG.toType(DataType.FLOAT32, false)))
        .add(gc.sub(rc).add(4f).mul(isB.toType(DataType.FLOAT32, false)))
        .div(6f).add(1f).add(shift).mod(1f);
    NDArray h6 = hue.mul(6f);
    NDList channels = new NDList(3);
    for (float n : new float[] {5f, 3f, 1f}) {
      NDArray k = h6.add(n).mod(6f);
      NDArray f = k.minimum(k.neg().add(4f)).clip(0f, 1f);
      channels.add(maxc.sub(cr.mul(f)));
    }
    return ai.djl.ndarray.NDArrays.concat(channels, 1);
  }

  /** A per-image scalar as [B,1,1,1]. */
  private static NDArray col(NDManager m, Device dev, float[] v) {
    return m.create(v, new Shape(v.length, 1, 1, 1)).toDevice(dev, false);
  }
}
