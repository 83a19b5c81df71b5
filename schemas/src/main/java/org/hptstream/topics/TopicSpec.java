package org.hptstream.topics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a topic is created: partitions, replication, retention and the largest record batch it takes.
 *
 * @param name topic name
 * @param partitions number of partitions
 * @param replicationFactor replicas, or empty for the broker's default
 * @param retention how long records are kept, or empty for forever ({@code retention.ms=-1})
 * @param maxMessageBytes the topic's {@code max.message.bytes}
 * @param compacted {@code cleanup.policy=compact} instead of delete
 */
public record TopicSpec(
    String name,
    int partitions,
    Optional<Short> replicationFactor,
    Optional<Duration> retention,
    int maxMessageBytes,
    boolean compacted) {

  /** Default largest message: 8 MiB, room for batches of big images without huge requests. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 8 << 20;

  public TopicSpec {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
    }
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException("max.message.bytes must be >= 1024: " + maxMessageBytes);
    }
  }

  /**
   * Images of one domain: kept forever (the stream is the training data set; pretraining replays
   * it), one partition per domain key by default.
   */
  public static TopicSpec images(String domain, int partitions) {
    return new TopicSpec(
        TopicNames.images(domain),
        partitions,
        Optional.empty(),
        Optional.empty(),
        DEFAULT_MAX_MESSAGE_BYTES,
        false);
  }

  /** Checkpoint, metric and control events: small, kept forever. */
  public static TopicSpec events(String name) {
    return new TopicSpec(name, 1, Optional.empty(), Optional.empty(), 1 << 20, false);
  }

  /** Dead letters keep the original bytes: same size limit as the source, kept 30 days. */
  public static TopicSpec deadLetter(String sourceTopic, int maxMessageBytes) {
    return new TopicSpec(
        TopicNames.deadLetter(sourceTopic),
        1,
        Optional.empty(),
        Optional.of(Duration.ofDays(30)),
        maxMessageBytes + 64 * 1024,
        false);
  }

  public TopicSpec withPartitions(int n) {
    return new TopicSpec(name, n, replicationFactor, retention, maxMessageBytes, compacted);
  }

  public TopicSpec withMaxMessageBytes(int bytes) {
    return new TopicSpec(name, partitions, replicationFactor, retention, bytes, compacted);
  }

  /** Topic-level configs set at creation. */
  public Map<String, String> configs() {
    Map<String, String> c = new HashMap<>();
    c.put("retention.ms", retention.map(d -> Long.toString(d.toMillis())).orElse("-1"));
    c.put("max.message.bytes", Integer.toString(maxMessageBytes));
    c.put("cleanup.policy", compacted ? "compact" : "delete");
    return c;
  }
}
