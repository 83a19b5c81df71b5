package org.hptstream.ingest;

import java.util.List;

/**
 * What an ingest run did. When {@link #success()} is false, {@link #acknowledged()} lists exactly
 * the batches that are in Kafka; re-running the same input is safe (same batch and image ids).
 *
 * @param topic the images topic
 * @param limits the size limits batches were cut to
 * @param acknowledged batches the broker acknowledged, in order
 * @param failed batches that failed, with the error
 * @param notSent batches never sent because an earlier one failed
 * @param skipped non-image files skipped (with --skip-non-images)
 * @param nanos wall time from start of validation to the last acknowledgement
 * @param validateNanos wall time of reading and validating the input
 * @param sendNanos wall time of the sending phase (producer start to last acknowledgement)
 */
public record IngestResult(
    String topic,
    MessageLimits limits,
    List<BatchReport> acknowledged,
    List<BatchSender.Failure> failed,
    List<BatchReport> notSent,
    List<String> skipped,
    long nanos,
    long validateNanos,
    long sendNanos) {

  public boolean success() {
    return failed.isEmpty() && notSent.isEmpty();
  }

  public int imagesAcknowledged() {
    return acknowledged.stream().mapToInt(BatchReport::images).sum();
  }

  public long imageBytesAcknowledged() {
    return acknowledged.stream().mapToLong(BatchReport::imageBytes).sum();
  }

  public long recordBytesAcknowledged() {
    return acknowledged.stream().mapToLong(BatchReport::recordBytes).sum();
  }

  /** Image payload MB/s over the whole run (validation included). */
  public double megabytesPerSecond() {
    return nanos == 0 ? 0 : imageBytesAcknowledged() / 1e6 / (nanos / 1e9);
  }

  /** Multi-line human summary: totals, and on failure which batches are in Kafka and which not. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            "%s %d images (%.1f MB of image data, %.1f MB in records) in %d batches to %s in %.2f s: %.1f MB/s, %.0f images/s%n",
            success() ? "ingested" : "PARTIALLY ingested",
            imagesAcknowledged(),
            imageBytesAcknowledged() / 1e6,
            recordBytesAcknowledged() / 1e6,
            acknowledged.size(),
            topic,
            nanos / 1e9,
            megabytesPerSecond(),
            nanos == 0 ? 0 : imagesAcknowledged() / (nanos / 1e9)));
    s.append(
        String.format(
            "  validation %.2f s, sending %.2f s%n", validateNanos / 1e9, sendNanos / 1e9));
    if (!skipped.isEmpty()) {
      s.append("skipped ").append(skipped.size()).append(" non-image files\n");
    }
    if (!success()) {
      s.append("acknowledged (in Kafka): ").append(acknowledged.size()).append(" batches\n");
      acknowledged.forEach(b -> s.append("  ok     ").append(b.describe()).append('\n'));
      failed.forEach(
          f ->
              s.append("  FAILED ")
                  .append(f.batch().describe())
                  .append(": ")
                  .append(f.error())
                  .append('\n'));
      notSent.forEach(b -> s.append("  not sent ").append(b.describe()).append('\n'));
      s.append(
          "re-running the same command is safe: batch and image ids are content-derived, duplicates are recognisable\n");
    }
    return s.toString();
  }
}
