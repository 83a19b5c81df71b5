package org.hptstream.leaderboard;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.hptstream.clients.ClientConfigs;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.LeaderboardEntry;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.schemas.PromotionDecision;
import org.hptstream.serde.AvroSerde;
import org.hptstream.topics.TopicAdmin;
import org.hptstream.topics.TopicNames;
import org.hptstream.topics.TopicSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running leaderboard application: its topics ensured, the topology started, and a {@link
 * LeaderboardView} over its stores (interactive queries).
 */
public final class Leaderboard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Leaderboard.class);

  private final KafkaStreams streams;
  private final LeaderboardView view;

  /** Starts the application; {@link #awaitRunning} waits until its stores answer. */
  public Leaderboard(Map<String, Object> clientConfig, LeaderboardConfig config) {
    ensureTopics(clientConfig);
    SchemaRegistryClient registry = SchemaRegistryClient.fromConfigs(clientConfig);
    Map<String, Object> serdeConfig = new java.util.HashMap<>(clientConfig);
    serdeConfig.put("specific.avro.reader", "true");
    LeaderboardTopology.TopicSerdes serdes =
        new LeaderboardTopology.TopicSerdes(
            serde(registry, MetricEvent.class, serdeConfig),
            serde(registry, CheckpointEvent.class, serdeConfig),
            serde(registry, PromotionDecision.class, serdeConfig),
            serde(registry, LeaderboardEntry.class, serdeConfig));
    this.streams =
        new KafkaStreams(LeaderboardTopology.build(serdes), config.properties(clientConfig));
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("leaderboard stream thread failed; replacing it", e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    this.view =
        new LeaderboardView(
            () -> store(LeaderboardTopology.GROUPS_STORE),
            () -> store(LeaderboardTopology.CHECKPOINTS_STORE),
            () -> store(LeaderboardTopology.PROMOTIONS_STORE));
    streams.start();
  }

  /** Waits until the application runs (its state restored from the changelogs). */
  public Leaderboard awaitRunning(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("leaderboard not running after " + timeout);
      }
      Thread.sleep(50);
    }
    return this;
  }

  /** True while the application runs or rebalances (for {@code /health}). */
  public boolean healthy() {
    KafkaStreams.State s = streams.state();
    return s == KafkaStreams.State.RUNNING || s == KafkaStreams.State.REBALANCING;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * Queries over the local stores; they throw {@code InvalidStateStoreException} while rebalancing.
   */
  public LeaderboardView view() {
    return view;
  }

  private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
    return streams.store(
        StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> AvroSerde<T> serde(
      SchemaRegistryClient registry, Class<T> type, Map<String, Object> config) {
    AvroSerde<T> s = AvroSerde.specific(registry, type);
    s.configure(config, false);
    return s;
  }

  /** Source topics must exist before Streams subscribes; the output topic is compacted. */
  static void ensureTopics(Map<String, Object> clientConfig) {
    try (Admin admin = Admin.create(ClientConfigs.kafkaOnly(clientConfig))) {
      TopicAdmin topics = new TopicAdmin(admin);
      topics.ensure(TopicSpec.events(TopicNames.METRICS));
      topics.ensure(TopicSpec.events(TopicNames.CHECKPOINTS));
      topics.ensure(compacted(TopicNames.PROMOTIONS));
      topics.ensure(compacted(LeaderboardTopology.OUTPUT_TOPIC));
    }
  }

  /** An event topic ({@link TopicSpec#events}) kept compacted: the latest record per key. */
  public static TopicSpec compacted(String name) {
    TopicSpec e = TopicSpec.events(name);
    return new TopicSpec(
        name, e.partitions(), e.replicationFactor(), e.retention(), e.maxMessageBytes(), true);
  }

  @Override
  public void close() {
    // Leave the group: a restarted instance gets the partitions now, not after the session timeout.
    streams.close(
        org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
  }
}
