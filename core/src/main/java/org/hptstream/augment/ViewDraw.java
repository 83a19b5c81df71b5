package org.hptstream.augment;

import java.util.Random;

/**
 * Every random decision for one view of one image, drawn in Java so that runs are reproducible and
 * the batched GPU/CPU kernels stay deterministic. Identity values mean "stage not applied".
 *
 * @param top crop box top row in input pixels
 * @param left crop box left column
 * @param height crop box height
 * @param width crop box width
 * @param flip horizontal flip
 * @param jitterOrder order of (0 brightness, 1 contrast, 2 saturation, 3 hue), or null when the
 *     jitter stage is skipped
 * @param brightness brightness factor (1 = unchanged)
 * @param contrast contrast factor (1 = unchanged)
 * @param saturation saturation factor (1 = unchanged)
 * @param hue hue shift in turns (0 = unchanged)
 * @param gray convert to grayscale
 * @param sigma Gaussian blur sigma in output pixels, 0 = no blur
 */
public record ViewDraw(
    int top,
    int left,
    int height,
    int width,
    boolean flip,
    int[] jitterOrder,
    float brightness,
    float contrast,
    float saturation,
    float hue,
    boolean gray,
    float sigma) {

  /**
   * Draws one view in torchvision's order (crop, jitter, grayscale, blur, flip) with torchvision's
   * RandomResizedCrop rules (10 attempts, then a ratio-clamped centre crop).
   */
  public static ViewDraw sample(AugmentConfig c, int imgH, int imgW, Random rng) {
    int top;
    int left;
    int h = -1;
    int w = -1;
    int[] box = null;
    double area = (double) imgH * imgW;
    double logLo = Math.log(c.ratioMin());
    double logHi = Math.log(c.ratioMax());
    for (int attempt = 0; attempt < 10 && box == null; attempt++) {
      double target = area * uniform(rng, c.scaleMin(), c.scaleMax());
      double aspect = Math.exp(uniform(rng, logLo, logHi));
      w = (int) Math.rint(Math.sqrt(target * aspect));
      h = (int) Math.rint(Math.sqrt(target / aspect));
      if (w > 0 && w <= imgW && h > 0 && h <= imgH) {
        box = new int[] {rng.nextInt(imgH - h + 1), rng.nextInt(imgW - w + 1), h, w};
      }
    }
    if (box == null) {
      double inRatio = (double) imgW / imgH;
      if (inRatio < c.ratioMin()) {
        w = imgW;
        h = (int) Math.rint(w / c.ratioMin());
      } else if (inRatio > c.ratioMax()) {
        h = imgH;
        w = (int) Math.rint(h * c.ratioMax());
      } else {
        w = imgW;
        h = imgH;
      }
      box = new int[] {(imgH - h) / 2, (imgW - w) / 2, h, w};
    }
    top = box[0];
    left = box[1];

    int[] order = null;
    float b = 1, ct = 1, s = 1, hu = 0;
    if (c.jitterP() > 0 && rng.nextDouble() < c.jitterP()) {
      order = permutation4(rng);
      b = (float) uniform(rng, Math.max(0, 1 - c.brightness()), 1 + c.brightness());
      ct = (float) uniform(rng, Math.max(0, 1 - c.contrast()), 1 + c.contrast());
      s = (float) uniform(rng, Math.max(0, 1 - c.saturation()), 1 + c.saturation());
      hu = (float) uniform(rng, -c.hue(), c.hue());
    }
    boolean gray = c.grayP() > 0 && rng.nextDouble() < c.grayP();
    float sigma = 0;
    if (c.blurP() > 0 && rng.nextDouble() < c.blurP()) {
      sigma = (float) uniform(rng, c.sigmaMin(), c.sigmaMax());
    }
    boolean flip = c.flipP() > 0 && rng.nextDouble() < c.flipP();
    return new ViewDraw(box[0], box[1], box[2], box[3], flip, order, b, ct, s, hu, gray, sigma);
  }

  /** True when the colour-jitter stage runs for this view. */
  public boolean jittered() {
    return jitterOrder != null;
  }

  private static double uniform(Random rng, double lo, double hi) {
    return lo + (hi - lo) * rng.nextDouble();
  }

  private static int[] permutation4(Random rng) {
    int[] p = {0, 1, 2, 3};
    for (int i = 3; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
