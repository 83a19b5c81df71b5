package org.hptstream.testkit;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft broker (combined broker+controller) inside the test JVM, on a random
 * loopback port. Our one wrapper around Kafka's internal {@link KafkaClusterTestKit}, whose API
 * changes between Kafka minor versions: nothing else may use that class directly.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private final KafkaClusterTestKit cluster;

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Formats, starts and waits for a fresh broker (~4 s); close it to delete its directories. */
  public static EmbeddedKafka start() {
    KafkaClusterTestKit cluster = null;
    try {
      cluster =
          new KafkaClusterTestKit.Builder(
                  new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
              // One node: internal topics need replication factor 1, and no rebalance delay in tests.
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
              .setConfigProp("share.coordinator.state.topic.min.isr", "1")
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new EmbeddedKafka(cluster);
    } catch (Exception e) {
      if (cluster != null) {
        try {
          cluster.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("embedded Kafka broker did not start: " + e, e);
    }
  }

  /** Value for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Creates a topic (replication factor 1) and waits until the broker has it. */
  public void createTopic(String name, int partitions) {
    Topics.create(bootstrapServers(), name, partitions);
  }

  /** Stops the broker and deletes its directories. */
  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("embedded Kafka broker did not close cleanly", e);
    }
  }
}
