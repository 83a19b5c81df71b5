package org.hptstream.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.topics.AccessDenied;

/**
 * Sends batch records asynchronously and keeps an exact account of which were acknowledged and
 * which failed. After the first failure no further batch is sent (the idempotent producer has
 * already retried what can be retried), so a failed run stops short and says where.
 */
public final class BatchSender {
  /** A batch that was not acknowledged, and why. */
  public record Failure(BatchReport batch, String error) {}

  private final Producer<String, ImageBatch> producer;
  private final String topic;
  private final IngestListener listener;
  private final List<BatchReport> acknowledged = new ArrayList<>();
  private final List<Failure> failed = new ArrayList<>();
  private final AtomicReference<Exception> firstError = new AtomicReference<>();

  public BatchSender(Producer<String, ImageBatch> producer, String topic, IngestListener listener) {
    this.producer = producer;
    this.topic = topic;
    this.listener = listener;
  }

  /** True once any batch failed: callers stop sending. */
  public boolean failedAlready() {
    return firstError.get() != null;
  }

  /** Sends one batch keyed by its domain; the outcome is recorded when the broker answers. */
  public void send(ImageBatch batch, BatchReport report) {
    try {
      producer.send(
          new ProducerRecord<>(topic, batch.getDomain(), batch),
          (meta, error) -> {
            if (error == null) {
              BatchReport acked =
                  report.acknowledged(meta.partition(), meta.offset(), meta.serializedValueSize());
              synchronized (this) {
                acknowledged.add(acked);
              }
              listener.onBatchAcknowledged(acked);
            } else {
              fail(report, error);
            }
          });
    } catch (RuntimeException e) {
      fail(report, e);
    }
  }

  /** Records a batch that could not even be handed to the producer (e.g. a file changed). */
  public void fail(BatchReport report, Exception error) {
    firstError.compareAndSet(null, error);
    synchronized (this) {
      failed.add(
          new Failure(
              report,
              AccessDenied.explain(error, "WRITE", "topic " + topic)
                  .orElseGet(() -> error.getClass().getSimpleName() + ": " + error.getMessage())));
    }
    listener.onBatchFailed(report, error);
  }

  /** Waits until every batch sent so far is acknowledged or failed. */
  public void flush() {
    producer.flush();
  }

  /** Acknowledged batches in batch order. */
  public synchronized List<BatchReport> acknowledged() {
    List<BatchReport> out = new ArrayList<>(acknowledged);
    out.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return out;
  }

  /** Failed batches in batch order. */
  public synchronized List<Failure> failed() {
    List<Failure> out = new ArrayList<>(failed);
    out.sort((a, b) -> Integer.compare(a.batch().index(), b.batch().index()));
    return out;
  }
}
