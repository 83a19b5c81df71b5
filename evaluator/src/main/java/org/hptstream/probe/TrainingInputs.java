package org.hptstream.probe;

import ai.djl.ndarray.NDArray;

/**
 * Where a probe's training rows come from: looked up in cached features, or computed from augmented
 * images by a frozen backbone ({@link LinearProbeConfig.Mode#PAPER}).
 */
@FunctionalInterface
public interface TrainingInputs {
  /**
   * The features of the given training rows.
   *
   * @param indices int32 {@code [n]} row indices into the training split
   * @param step the optimisation step (0-based), for inputs that vary per step
   * @return float32 {@code [n, D]}, created inside the caller's {@link ai.djl.ndarray.NDScope}
   */
  NDArray rows(NDArray indices, int step);
}
