package org.hptstream.strategy;

import java.util.Locale;

/**
 * The pretraining strategies compared in the HPT paper; every one is a first-class job type.
 *
 * <ul>
 *   <li>{@link #TARGET}: MoCo v2 from a random init on the target data.
 *   <li>{@link #HPT}: MoCo v2 from a parent's backbone; head re-initialised, key encoder = copy of
 *       the query encoder, queue random; all parameters train.
 *   <li>{@link #HPT_BN}: like HPT but conv (and every other non-BN backbone) weights are frozen;
 *       only BN gamma/beta and the head train, BN in train mode so running stats re-estimate.
 *   <li>{@link #BASE_BN_RECAL}: forward passes in train mode without gradients: only BN running
 *       statistics change.
 *   <li>{@link #BASE}: direct transfer, nothing runs; the parent is the result.
 * </ul>
 */
public enum Strategy {
  TARGET(false, true),
  HPT(true, true),
  HPT_BN(true, true),
  BASE_BN_RECAL(true, false),
  BASE(true, false);

  private final boolean needsParent;
  private final boolean gradientSteps;

  Strategy(boolean needsParent, boolean gradientSteps) {
    this.needsParent = needsParent;
    this.gradientSteps = gradientSteps;
  }

  /** True when the job starts from a parent checkpoint. */
  public boolean needsParent() {
    return needsParent;
  }

  /** True when the job takes optimizer steps (MoCo v2 training). */
  public boolean gradientSteps() {
    return gradientSteps;
  }

  /** Parses {@code hpt-bn}, {@code HPT_BN}, {@code base-bn-recal}, ... */
  public static Strategy parse(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      return valueOf(n);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown strategy '" + name + "'; one of target, hpt, hpt-bn, base-bn-recal, base");
    }
  }

  /** The CLI spelling, e.g. {@code hpt-bn}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
