package org.hptstream.semisup;

import java.util.List;
import java.util.Map;
import org.hptstream.optim.LrSchedule;
import org.hptstream.stats.Parameters;

/**
 * The semi-supervised protocol: fine-tune the whole network (backbone and a new linear head) on a
 * few labels. {@link #paper()} is the paper's 2,500-step schedule; {@link #cpu()} a small
 * documented profile that runs in about a minute on two CPU cores for small nets.
 *
 * @param labels labelled examples drawn from the train split, every class at least once
 * @param learningRates the swept backbone learning rates; the best on the validation split is
 *     reported
 * @param headLrMultiplier the head trains at this multiple of the backbone's learning rate
 * @param momentum SGD momentum
 * @param weightDecay L2 penalty on all trained parameters
 * @param batchSize images per step
 * @param steps optimisation steps
 * @param decayAt fractions of {@code steps} at which the learning rate is multiplied by {@code
 *     decayFactor}
 * @param decayFactor step-decay factor
 * @param valSize validation rows (seeded, from the train split, disjoint from the labelled ones)
 */
public record FineTuneConfig(
    int labels,
    List<Double> learningRates,
    double headLrMultiplier,
    double momentum,
    double weightDecay,
    int batchSize,
    int steps,
    List<Double> decayAt,
    double decayFactor,
    int valSize) {

  public FineTuneConfig {
    learningRates = List.copyOf(learningRates);
    decayAt = List.copyOf(decayAt);
    if (labels < 1 || batchSize < 1 || steps < 1 || valSize < 1) {
      throw new IllegalArgumentException("labels, batchSize, steps and valSize must be >= 1");
    }
    if (learningRates.isEmpty() || learningRates.stream().anyMatch(lr -> !(lr > 0))) {
      throw new IllegalArgumentException(
          "learning rates must be a non-empty list of positive numbers: " + learningRates);
    }
    if (!(headLrMultiplier > 0)
        || momentum < 0
        || momentum >= 1
        || weightDecay < 0
        || !(decayFactor > 0)) {
      throw new IllegalArgumentException("bad optimiser settings");
    }
  }

  /**
   * The paper's protocol: 1,000 labels, lr {0.01, 0.001}, head at 100x, batch 256, 2,500 steps with
   * x0.1 at 1/3 and 2/3, momentum 0.9, weight decay 5e-4 (OpenSelfSup's semi-supervised configs),
   * 1,000 validation rows.
   */
  public static FineTuneConfig paper() {
    return new FineTuneConfig(
        1000,
        List.of(0.01, 0.001),
        100,
        0.9,
        5e-4,
        256,
        2500,
        List.of(1.0 / 3, 2.0 / 3),
        0.1,
        1000);
  }

  /**
   * The CPU profile: the paper's protocol with batch 64 and 150 steps (about 10 epochs of 1,000
   * labels).
   */
  public static FineTuneConfig cpu() {
    return paper().withSchedule(64, 150);
  }

  public FineTuneConfig withSchedule(int batchSize, int steps) {
    return new FineTuneConfig(
        labels,
        learningRates,
        headLrMultiplier,
        momentum,
        weightDecay,
        batchSize,
        steps,
        decayAt,
        decayFactor,
        valSize);
  }

  public FineTuneConfig withLabels(int labels) {
    return new FineTuneConfig(
        labels,
        learningRates,
        headLrMultiplier,
        momentum,
        weightDecay,
        batchSize,
        steps,
        decayAt,
        decayFactor,
        valSize);
  }

  public FineTuneConfig withLearningRates(List<Double> learningRates) {
    return new FineTuneConfig(
        labels,
        learningRates,
        headLrMultiplier,
        momentum,
        weightDecay,
        batchSize,
        steps,
        decayAt,
        decayFactor,
        valSize);
  }

  public FineTuneConfig withValSize(int valSize) {
    return new FineTuneConfig(
        labels,
        learningRates,
        headLrMultiplier,
        momentum,
        weightDecay,
        batchSize,
        steps,
        decayAt,
        decayFactor,
        valSize);
  }

  /** The step-decay schedule for base learning rate {@code base}. */
  public LrSchedule schedule(double base) {
    return LrSchedule.stepDecay(
        base, steps, decayFactor, decayAt.stream().mapToDouble(Double::doubleValue).toArray());
  }

  public Map<String, Object> describe() {
    Map<String, Object> m = Parameters.of(this);
    return m;
  }
}
