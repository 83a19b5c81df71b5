package org.hptstream.ingest;

/**
 * Progress callbacks of an ingest run (e.g. a progress bar). Called from the ingest thread, except
 * {@link #onSourceValidated} (validation threads) and {@link #onBatchAcknowledged} / {@link
 * #onBatchFailed} (the producer's I/O thread): implementations must be thread-safe and fast.
 */
public interface IngestListener {
  IngestListener NONE = new IngestListener() {};

  /** Validation of {@code sources} files/IDX sets begins. */
  default void onValidationStarted(int sources) {}

  default void onSourceValidated(String source) {}

  /** All input is valid; {@code batches} records of {@code images} images will be sent. */
  default void onSendStarted(
      String topic, int images, long bytes, int batches, MessageLimits limits) {}

  default void onBatchAcknowledged(BatchReport batch) {}

  default void onBatchFailed(BatchReport batch, Exception error) {}
}
