package org.hptstream.augment;

/**
 * Parameters of one random view, as in torchvision's MoCo v2 pipeline: RandomResizedCrop,
 * ColorJitter (applied with probability {@code jitterP}), RandomGrayscale, GaussianBlur, horizontal
 * flip. A probability of 0 switches a stage off, which gives the linear-probe transform (crop +
 * flip only).
 *
 * @param size output side in pixels (square views)
 * @param scaleMin smallest crop area as a fraction of the image area
 * @param scaleMax largest crop area fraction
 * @param ratioMin smallest crop aspect ratio (width / height)
 * @param ratioMax largest crop aspect ratio
 * @param flipP probability of a horizontal flip
 * @param jitterP probability that colour jitter is applied at all
 * @param brightness brightness factor drawn from [1-b, 1+b]
 * @param contrast contrast factor drawn from [1-c, 1+c]
 * @param saturation saturation factor drawn from [1-s, 1+s]
 * @param hue hue shift drawn from [-h, h] (fraction of a full turn, at most 0.5)
 * @param grayP probability of converting to grayscale
 * @param blurP probability of a Gaussian blur
 * @param sigmaMin smallest blur sigma, in output pixels
 * @param sigmaMax largest blur sigma, in output pixels
 */
public record AugmentConfig(
    int size,
    double scaleMin,
    double scaleMax,
    double ratioMin,
    double ratioMax,
    double flipP,
    double jitterP,
    double brightness,
    double contrast,
    double saturation,
    double hue,
    double grayP,
    double blurP,
    double sigmaMin,
    double sigmaMax) {

  /** Size the MoCo v2 / HPT papers train at. */
  public static final int PAPER_SIZE = 224;

  public AugmentConfig {
    if (size < 1) throw new IllegalArgumentException("size must be >= 1, got " + size);
    if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1))
      throw new IllegalArgumentException(
          "need 0 < scaleMin <= scaleMax <= 1, got " + scaleMin + ".." + scaleMax);
    if (!(ratioMin > 0 && ratioMin <= ratioMax))
      throw new IllegalArgumentException(
          "need 0 < ratioMin <= ratioMax, got " + ratioMin + ".." + ratioMax);
    for (double p : new double[] {flipP, jitterP, grayP, blurP})
      if (!(p >= 0 && p <= 1))
        throw new IllegalArgumentException("probabilities must lie in [0,1], got " + p);
    if (brightness < 0 || contrast < 0 || saturation < 0 || hue < 0 || hue > 0.5)
      throw new IllegalArgumentException("jitter strengths must be >= 0 and hue <= 0.5");
    if (blurP > 0 && !(sigmaMin > 0 && sigmaMin <= sigmaMax))
      throw new IllegalArgumentException(
          "need 0 < sigmaMin <= sigmaMax, got " + sigmaMin + ".." + sigmaMax);
  }

  /**
   * MoCo v2's augmentation at the given output size: crop scale 0.2-1, ratio 3/4-4/3, jitter (0.4,
   * 0.4, 0.4, 0.1) with p 0.8, grayscale p 0.2, blur sigma 0.1-2.0 with p 0.5, flip p 0.5. The blur
   * sigma is in pixels of a 224 px view and is scaled with {@code size}, so a small-image profile
   * blurs the same fraction of the image as the paper.
   */
  public static AugmentConfig mocoV2(int size) {
    double s = size / (double) PAPER_SIZE;
    return new AugmentConfig(
        size, 0.2, 1.0, 3.0 / 4, 4.0 / 3, 0.5, 0.8, 0.4, 0.4, 0.4, 0.1, 0.2, 0.5, 0.1 * s, 2.0 * s);
  }

  /** The HPT configs' variant: MoCo v2 with hue 0.4. */
  public static AugmentConfig hptDefault(int size) {
    return mocoV2(size).withHue(0.4);
  }

  /** Linear-probe training transform: torchvision RandomResizedCrop defaults (0.08-1) + flip. */
  public static AugmentConfig linearProbe(int size) {
    return new AugmentConfig(size, 0.08, 1.0, 3.0 / 4, 4.0 / 3, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  public AugmentConfig withHue(double h) {
    return new AugmentConfig(
        size,
        scaleMin,
        scaleMax,
        ratioMin,
        ratioMax,
        flipP,
        jitterP,
        brightness,
        contrast,
        saturation,
        h,
        grayP,
        blurP,
        sigmaMin,
        sigmaMax);
  }

  /** A copy with another smallest crop area fraction. */
  public AugmentConfig withScaleMin(double s) {
    return new AugmentConfig(
        size,
        s,
        scaleMax,
        ratioMin,
        ratioMax,
        flipP,
        jitterP,
        brightness,
        contrast,
        saturation,
        hue,
        grayP,
        blurP,
        sigmaMin,
        sigmaMax);
  }

  /** A copy with another blur probability. */
  public AugmentConfig withBlurP(double p) {
    return new AugmentConfig(
        size,
        scaleMin,
        scaleMax,
        ratioMin,
        ratioMax,
        flipP,
        jitterP,
        brightness,
        contrast,
        saturation,
        hue,
        grayP,
        p,
        sigmaMin,
        sigmaMax);
  }

  /** The same augmentation at another output size; the blur sigma (in pixels) scales with it. */
  public AugmentConfig withSize(int newSize) {
    double f = newSize / (double) size;
    return new AugmentConfig(
        newSize,
        scaleMin,
        scaleMax,
        ratioMin,
        ratioMax,
        flipP,
        jitterP,
        brightness,
        contrast,
        saturation,
        hue,
        grayP,
        blurP,
        sigmaMin * f,
        sigmaMax * f);
  }
}
