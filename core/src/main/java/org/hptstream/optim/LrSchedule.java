package org.hptstream.optim;

import java.util.Arrays;

/**
 * Learning rate as a function of the optimizer step (0-based), evaluated before each step.
 *
 * <p>Factories cover the paper's schedules: {@link #cosine} for MoCo v2 / HPT pretraining (per
 * iteration to 0, no warm-up) and {@link #stepDecay} for the linear probe and semi-supervised
 * fine-tuning (x0.1 at 1/3 and 2/3); {@link #linearScaling} scales a batch-256 base lr.
 */
@FunctionalInterface
public interface LrSchedule {

  /** The learning rate for step {@code step} (0-based). */
  double lr(long step);

  /** Always {@code lr}. */
  static LrSchedule constant(double lr) {
    return step -> lr;
  }

  /**
   * Cosine decay per step from {@code base} at step 0 to 0 at {@code totalSteps} (OpenSelfSup's
   * {@code CosineLrUpdaterHook}, by iteration, target 0): {@code base * (1 + cos(pi * t / T)) / 2};
   * steps past the end stay at 0.
   */
  static LrSchedule cosine(double base, long totalSteps) {
    if (totalSteps <= 0) {
      throw new IllegalArgumentException("totalSteps must be positive: " + totalSteps);
    }
    return step -> {
      double t = Math.min(Math.max(step, 0), totalSteps);
      return base * 0.5 * (1 + Math.cos(Math.PI * t / totalSteps));
    };
  }

  /**
   * Step decay: {@code base * factor^k} where {@code k} counts the milestones {@code round(fraction
   * * totalSteps)} already reached; the paper's probe uses factor 0.1 at fractions 1/3 and 2/3.
   */
  static LrSchedule stepDecay(double base, long totalSteps, double factor, double... fractions) {
    if (totalSteps <= 0) {
      throw new IllegalArgumentException("totalSteps must be positive: " + totalSteps);
    }
    long[] milestones =
        Arrays.stream(fractions)
            .mapToLong(
                f -> {
                  if (f <= 0 || f >= 1) {
                    throw new IllegalArgumentException(
                        "milestone fraction must be in (0, 1): " + f);
                  }
                  return Math.round(f * totalSteps);
                })
            .sorted()
            .toArray();
    return step -> {
      double lr = base;
      for (long m : milestones) {
        if (step >= m) {
          lr *= factor;
        }
      }
      return lr;
    };
  }

  /** The probe schedule of the paper: x0.1 at 1/3 and 2/3 of {@code totalSteps}. */
  static LrSchedule thirds(double base, long totalSteps) {
    return stepDecay(base, totalSteps, 0.1, 1.0 / 3, 2.0 / 3);
  }

  /** Linear scaling rule: {@code baseLr * batchSize / 256} (MoCo v2: 0.03 at batch 256). */
  static double linearScaling(double baseLr, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be positive: " + batchSize);
    }
    return baseLr * batchSize / 256.0;
  }
}
