package org.hptstream.trainer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.hptstream.schemas.DeadLetter;

/**
 * One domain's dead letters not yet sent, and per partition the offset below which every dead
 * letter was sent: the <em>mark</em>. The mark travels in the metadata of the group's committed
 * offset (written in the same transaction as the letters), so after a restart or a rebalance the
 * re-read of the log sends no letter again: once per consumer group. Bounded by count and bytes:
 * while {@link #full()} the service pauses the domain's partitions. Not thread-safe (the poll
 * thread owns it).
 */
final class DeadLetterBuffer {
  private static final String MARK = "dead-lettered-to=";
  private static final Pattern MARK_PATTERN = Pattern.compile(Pattern.quote(MARK) + "(\\d+)");

  /** A letter waiting for its transaction. */
  record Pending(TopicPartition tp, long offset, DeadLetter letter, long bytes) {}

  private final int maxCount;
  private final long maxBytes;
  private final List<Pending> pending = new ArrayList<>();
  private final Map<TopicPartition, Long> marks = new HashMap<>();
  private long bytes;
  private Instant oldest;

  DeadLetterBuffer(int maxCount, long maxBytes) {
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
  }

  /** Sets a partition's mark from the group's committed offset (null: none) and its metadata. */
  void restore(TopicPartition tp, OffsetAndMetadata committed) {
    long mark = committed == null ? 0 : Math.max(committed.offset(), parse(committed.metadata()));
    marks.merge(tp, mark, Math::max);
  }

  /** True when the record at {@code offset} was not dead-lettered by this group yet. */
  boolean isNew(TopicPartition tp, long offset) {
    return offset >= marks.getOrDefault(tp, 0L);
  }

  /** Holds a letter (possibly past the bound: the caller pauses while {@link #full()}). */
  void add(TopicPartition tp, long offset, DeadLetter letter) {
    long size = size(letter);
    pending.add(new Pending(tp, offset, letter, size));
    bytes += size;
    if (oldest == null) {
      oldest = Instant.now();
    }
  }

  boolean full() {
    return pending.size() >= maxCount || bytes >= maxBytes;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  int size() {
    return pending.size();
  }

  /** When the oldest pending letter arrived, or null when none is pending. */
  Instant oldest() {
    return oldest;
  }

  /** The pending letters, in arrival order. */
  List<Pending> pending() {
    return List.copyOf(pending);
  }

  /** The mark of {@code tp} once {@code letters} are sent and offsets committed at {@code at}. */
  long markAfter(TopicPartition tp, List<Pending> letters, long at) {
    long mark = Math.max(marks.getOrDefault(tp, 0L), at);
    for (Pending p : letters) {
      if (p.tp.equals(tp)) {
        mark = Math.max(mark, p.offset + 1);
      }
    }
    return mark;
  }

  /** Records that {@code letters} were sent (their transaction committed). */
  void sent(List<Pending> letters) {
    for (Pending p : letters) {
      if (pending.remove(p)) {
        bytes -= p.bytes;
      }
      marks.merge(p.tp, p.offset + 1, Math::max);
    }
    if (pending.isEmpty()) {
      oldest = null;
    }
  }

  /** The committed offset's metadata: the job that committed it (or null) and the mark. */
  static String metadata(String jobId, long mark) {
    return (jobId == null ? "" : jobId + " ") + MARK + mark;
  }

  /** The mark in committed metadata, 0 when there is none. */
  static long parse(String metadata) {
    if (metadata == null) {
      return 0;
    }
    Matcher m = MARK_PATTERN.matcher(metadata);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static long size(DeadLetter l) {
    long n = 256 + l.getErrorMessage().length() + l.getTopic().length();
    n += l.getValue() == null ? 0 : l.getValue().remaining();
    n += l.getKey() == null ? 0 : l.getKey().remaining();
    return n;
  }
}
