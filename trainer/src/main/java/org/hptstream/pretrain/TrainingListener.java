package org.hptstream.pretrain;

import java.nio.file.Path;

/**
 * Extension point for observing a pretraining job (CLI progress bar, the streaming service,
 * metrics). Called on the training thread; implementations must be quick and must not throw.
 */
public interface TrainingListener {
  /** Before the first step (after a resume: before the first new step). */
  default void onStart(JobStart start) {}

  /** After every step. */
  default void onStep(StepReport report) {}

  /** After a checkpoint was written and verified. */
  default void onCheckpoint(long step, Path dir) {}

  /** When the job ends, successfully or not (then {@code error} is non-null). */
  default void onEnd(long lastStep, Throwable error) {}

  /** What a job is about to do. */
  record JobStart(String strategy, long firstStep, long totalSteps, int batchSize, String device) {}
}
