package org.hptstream.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;

/**
 * A real single-node KRaft broker (combined broker+controller) inside the test JVM, on a random
 * loopback port. Our one wrapper around Kafka's internal {@link KafkaClusterTestKit}, whose API
 * changes between Kafka minor versions: nothing else may use that class directly.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private final KafkaClusterTestKit cluster;
  private final Path baseDir;

  private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDir) {
    this.cluster = cluster;
    this.baseDir = baseDir;
  }

  /** Formats, starts and waits for a fresh broker (~4 s); close it to delete its directories. */
  public static EmbeddedKafka start() {
    KafkaClusterTestKit cluster = null;
    Path baseDir = null;
    try {
      // Our own directory: the test kit's default one is deleted by a JVM shutdown hook of Kafka's
      // TestUtils, which can race a still-running broker into a log-dir failure and Exit.halt(1),
      // failing a test JVM whose tests all passed.
      baseDir = Files.createTempDirectory("hpt-kafka-");
      cluster =
          new KafkaClusterTestKit.Builder(
                  new TestKitNodes.Builder()
                      .setCombined(true)
                      .setNumBrokerNodes(1)
                      .setNumControllerNodes(1)
                      .setBaseDirectory(baseDir)
                      .build())
              // One node: internal topics need replication factor 1, and no rebalance delay in
              // tests.
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
      return new EmbeddedKafka(cluster, baseDir);
    } catch (Exception e) {
      if (cluster != null) {
        try {
          cluster.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      deleteQuietly(baseDir);
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
    } finally {
      deleteQuietly(baseDir);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir != null) {
      try {
        Utils.delete(dir.toFile());
      } catch (IOException e) {
        // a leftover temp directory is not worth failing a test run for
      }
    }
  }
}
