package org.hptstream.probe;

import java.util.List;
import java.util.Map;
import org.hptstream.optim.LrSchedule;
import org.hptstream.stats.Parameters;

/**
 * The linear-separability protocol's hyper-parameters. {@link #paper()} gives the paper's values
 * (Reed et al. 2022, core/METHOD.md "Evaluation protocols"); the {@code with*} methods scale them
 * down.
 *
 * @param learningRates the swept learning rates; the one with the best mean validation top-1 is
 *     reported
 * @param momentum SGD momentum
 * @param weightDecay L2 penalty (0 in the paper)
 * @param batchSize images per step
 * @param steps optimisation steps (iterations, not epochs: costs compare across datasets)
 * @param decayAt fractions of {@code steps} after which the learning rate is multiplied by {@code
 *     decayFactor}
 * @param decayFactor step-decay factor
 * @param reruns independent reruns (seeds {@code seed + r}) giving mean and spread
 * @param valFraction share of the train split held out (seeded) for model selection when no val
 *     split is given
 * @param initStd std of the classifier's normal weight init (bias 0), as OpenSelfSup's ClsHead
 * @param mode where training inputs come from: cached features, or augmented images as the paper
 */
public record LinearProbeConfig(
    List<Double> learningRates,
    double momentum,
    double weightDecay,
    int batchSize,
    int steps,
    List<Double> decayAt,
    double decayFactor,
    int reruns,
    double valFraction,
    double initStd,
    Mode mode) {

  /** How the classifier's training inputs are made. */
  public enum Mode {
    /**
     * Train on the cached eval-transform features (resize + center crop, no augmentation): one
     * backbone pass for the whole sweep, cheap enough for every checkpoint. The default.
     */
    FEATURES,
    /**
     * As the paper: every training step runs the frozen backbone on a fresh RandomResizedCrop +
     * horizontal-flip view of the batch. Model selection and test use eval-transform features.
     */
    PAPER;

    /** The CLI's and the results' spelling: {@code features}, {@code paper}. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public LinearProbeConfig {
    learningRates = List.copyOf(learningRates);
    decayAt = List.copyOf(decayAt);
    if (learningRates.isEmpty() || learningRates.stream().anyMatch(lr -> !(lr > 0))) {
      throw new IllegalArgumentException(
          "learning rates must be a non-empty list of positive numbers: " + learningRates);
    }
    if (batchSize < 1 || steps < 1 || reruns < 1) {
      throw new IllegalArgumentException("batchSize, steps and reruns must be >= 1");
    }
    if (!(valFraction > 0 && valFraction < 1)) {
      throw new IllegalArgumentException("valFraction must be in (0, 1), got " + valFraction);
    }
    if (momentum < 0 || momentum >= 1 || weightDecay < 0 || !(decayFactor > 0) || initStd < 0) {
      throw new IllegalArgumentException(
          "bad optimiser settings: momentum "
              + momentum
              + ", weight decay "
              + weightDecay
              + ", decay factor "
              + decayFactor
              + ", init std "
              + initStd);
    }
    for (double f : decayAt) {
      if (!(f > 0 && f < 1)) {
        throw new IllegalArgumentException("decayAt fractions must be in (0, 1): " + decayAt);
      }
    }
  }

  /**
   * The paper's protocol: lr {0.3, 3, 30}, momentum 0.9, wd 0, batch 512, 5,000 steps, x0.1 at 1/3
   * and 2/3, 3 reruns.
   */
  public static LinearProbeConfig paper() {
    return new LinearProbeConfig(
        List.of(0.3, 3.0, 30.0),
        0.9,
        0.0,
        512,
        5000,
        List.of(1.0 / 3, 2.0 / 3),
        0.1,
        3,
        0.1,
        0.01,
        Mode.FEATURES);
  }

  public LinearProbeConfig withSteps(int steps) {
    return new LinearProbeConfig(
        learningRates,
        momentum,
        weightDecay,
        batchSize,
        steps,
        decayAt,
        decayFactor,
        reruns,
        valFraction,
        initStd,
        mode);
  }

  public LinearProbeConfig withBatchSize(int batchSize) {
    return new LinearProbeConfig(
        learningRates,
        momentum,
        weightDecay,
        batchSize,
        steps,
        decayAt,
        decayFactor,
        reruns,
        valFraction,
        initStd,
        mode);
  }

  public LinearProbeConfig withLearningRates(List<Double> learningRates) {
    return new LinearProbeConfig(
        learningRates,
        momentum,
        weightDecay,
        batchSize,
        steps,
        decayAt,
        decayFactor,
        reruns,
        valFraction,
        initStd,
        mode);
  }

  public LinearProbeConfig withReruns(int reruns) {
    return new LinearProbeConfig(
        learningRates,
        momentum,
        weightDecay,
        batchSize,
        steps,
        decayAt,
        decayFactor,
        reruns,
        valFraction,
        initStd,
        mode);
  }

  public LinearProbeConfig withMode(Mode mode) {
    return new LinearProbeConfig(
        learningRates,
        momentum,
        weightDecay,
        batchSize,
        steps,
        decayAt,
        decayFactor,
        reruns,
        valFraction,
        initStd,
        mode);
  }

  /** The step-decay schedule for base learning rate {@code base}. */
  public LrSchedule schedule(double base) {
    return LrSchedule.stepDecay(
        base, steps, decayFactor, decayAt.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** The parameters as a flat map for result provenance. */
  public Map<String, Object> describe() {
    Map<String, Object> m = Parameters.of(this);
    return m;
  }
}
