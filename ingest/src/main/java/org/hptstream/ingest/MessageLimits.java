package org.hptstream.ingest;

import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.hptstream.topics.TopicAdmin;

/**
 * The size limits that decide how large one batch record may be, read from the cluster.
 *
 * @param topicMaxMessageBytes the topic's effective {@code max.message.bytes} (falls back to the
 *     broker's)
 * @param brokerMessageMaxBytes the broker's {@code message.max.bytes}, or -1 when it cannot be read
 *     (ACLs)
 * @param producerMaxRequestSize the producer's {@code max.request.size}
 * @param compression the producer's compression.type (incompressible data may grow a little)
 */
public record MessageLimits(
    int topicMaxMessageBytes,
    int brokerMessageMaxBytes,
    int producerMaxRequestSize,
    String compression) {

  /** Record framing, headers-free: batch header, record header, key (domain, at most 63 bytes). */
  static final int RECORD_OVERHEAD = 61 + 21 + 64 + 128;

  /**
   * The largest serialized value that is accepted by both the producer (uncompressed size vs
   * max.request.size) and the broker (compressed batch vs the topic's max.message.bytes, where
   * compressing incompressible bytes can add a little).
   */
  public int maxValueBytes() {
    int topicLimit = topicMaxMessageBytes - RECORD_OVERHEAD;
    // Worst-case growth of already-compressed input: lz4/zstd/gzip well under 1/64, snappy up to
    // 1/6.
    topicLimit -=
        "snappy".equals(compression)
            ? topicLimit / 5
            : "none".equals(compression) ? 0 : topicLimit / 64 + 64;
    return Math.min(topicLimit, producerMaxRequestSize - RECORD_OVERHEAD);
  }

  /** Reads the topic's and (where allowed) the broker's limits. */
  public static MessageLimits read(
      Admin admin, String topic, int producerMaxRequestSize, String compression) {
    TopicAdmin topics = new TopicAdmin(admin);
    int topicMax = topics.maxMessageBytes(topic);
    int brokerMax = -1;
    try {
      Collection<Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
      if (!nodes.isEmpty()) {
        String id = Integer.toString(nodes.iterator().next().id());
        brokerMax =
            Integer.parseInt(
                topics.config(
                    new ConfigResource(ConfigResource.Type.BROKER, id), "message.max.bytes"));
      }
    } catch (KafkaException | ExecutionException | TimeoutException e) {
      // informational only: the topic's effective value already includes the broker default
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new MessageLimits(topicMax, brokerMax, producerMaxRequestSize, compression);
  }

  @Override
  public String toString() {
    return "topic max.message.bytes="
        + topicMaxMessageBytes
        + ", broker message.max.bytes="
        + (brokerMessageMaxBytes < 0 ? "unknown" : brokerMessageMaxBytes)
        + ", producer max.request.size="
        + producerMaxRequestSize
        + " -> largest batch record "
        + maxValueBytes()
        + " bytes";
  }
}
