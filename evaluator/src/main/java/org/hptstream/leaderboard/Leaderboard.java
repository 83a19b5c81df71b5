package org.hptstream.leaderboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
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
 *
 * <p>Several instances of one application split the stores' partitions between them. An instance
 * started with its own HTTP address ({@code application.server}) answers for all of them: for each
 * store it asks Kafka Streams which instances host a part ({@code streamsMetadataForStore}), reads
 * its own part locally and fetches the others' over their {@code /api/internal/store} endpoint
 * ({@link LeaderboardHttp}).
 */
public final class Leaderboard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Leaderboard.class);

  /** The stores one instance may hand to another. */
  public static final List<String> STORES =
      List.of(
          LeaderboardTopology.GROUPS_STORE,
          LeaderboardTopology.CHECKPOINTS_STORE,
          LeaderboardTopology.PROMOTIONS_STORE);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KafkaStreams streams;
  private final LeaderboardView view;
  private final HostInfo self;
  private final Map<String, Serde<?>> storeSerdes;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * Starts a single-instance application (queries read the local stores only); {@link
   * #awaitRunning} waits until its stores answer.
   */
  public Leaderboard(Map<String, Object> clientConfig, LeaderboardConfig config) {
    this(clientConfig, config, null);
  }

  /**
   * Starts the application.
   *
   * @param self where this instance's HTTP endpoint is reached by the other instances (its {@code
   *     application.server}), or null for a single instance that queries its local stores only
   */
  public Leaderboard(Map<String, Object> clientConfig, LeaderboardConfig config, HostInfo self) {
    this.self = self;
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
    this.storeSerdes =
        Map.of(
            LeaderboardTopology.GROUPS_STORE, new JsonSerde<>(GroupState.class),
            LeaderboardTopology.CHECKPOINTS_STORE, new JsonSerde<>(LineageNode.class),
            LeaderboardTopology.PROMOTIONS_STORE, serdes.promotions());
    Properties props = config.properties(clientConfig);
    if (self != null) {
      props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
    }
    this.streams = new KafkaStreams(LeaderboardTopology.build(serdes), props);
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("leaderboard stream thread failed; replacing it", e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    this.view =
        new LeaderboardView(
            () -> gathered(LeaderboardTopology.GROUPS_STORE),
            () -> gathered(LeaderboardTopology.CHECKPOINTS_STORE),
            () -> gathered(LeaderboardTopology.PROMOTIONS_STORE));
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
   * Queries over the stores, gathered from every instance that hosts a part of them; they throw
   * {@code InvalidStateStoreException} while rebalancing or when an instance does not answer.
   */
  public LeaderboardView view() {
    return view;
  }

  /** The instances hosting a part of {@code store} (by their {@code application.server}). */
  public Set<HostInfo> hosts(String store) {
    Set<HostInfo> out = new java.util.HashSet<>();
    streams.streamsMetadataForStore(store).forEach(m -> out.add(m.hostInfo()));
    return out;
  }

  /**
   * This instance's part of {@code store}: its keys and values encoded with the store's serde
   * (base64), for another instance's query.
   *
   * @throws IllegalArgumentException for a store not in {@link #STORES}
   */
  public List<Map<String, String>> localEntries(String store) {
    @SuppressWarnings("unchecked")
    Serde<Object> serde = (Serde<Object>) storeSerdes.get(store);
    if (serde == null) {
      throw new IllegalArgumentException("no store " + store);
    }
    List<Map<String, String>> out = new ArrayList<>();
    try (KeyValueIterator<String, Object> it = this.<Object>local(store).all()) {
      it.forEachRemaining(
          kv ->
              out.add(
                  Map.of(
                      "key",
                      kv.key,
                      "value",
                      Base64.getEncoder()
                          .encodeToString(serde.serializer().serialize(topic(store), kv.value)))));
    }
    return out;
  }

  private <V> ReadOnlyKeyValueStore<String, V> local(String name) {
    return streams.store(
        StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
  }

  /** The whole store: local when this instance hosts all of it, else gathered from its hosts. */
  private <V> ReadOnlyKeyValueStore<String, V> gathered(String name) {
    if (self == null) {
      return local(name);
    }
    Set<HostInfo> hosts = hosts(name);
    if (hosts.isEmpty()) {
      throw new InvalidStateStoreException("store " + name + " is not assigned yet");
    }
    if (hosts.equals(Set.of(self))) {
      return local(name);
    }
    Map<String, V> all = new java.util.HashMap<>();
    for (HostInfo h : hosts) {
      if (h.equals(self)) {
        try (KeyValueIterator<String, V> it = this.<V>local(name).all()) {
          it.forEachRemaining(kv -> all.put(kv.key, kv.value));
        }
      } else {
        all.putAll(this.<V>fetch(h, name));
      }
    }
    return new GatheredStore<>(all);
  }

  /** Another instance's part of a store, over its HTTP endpoint. */
  private <V> Map<String, V> fetch(HostInfo host, String name) {
    URI uri =
        URI.create(
            "http://" + host.host() + ":" + host.port() + "/api/internal/store?name=" + name);
    try {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new InvalidStateStoreException(
            "instance " + host + " answered " + r.statusCode() + " for store " + name);
      }
      @SuppressWarnings("unchecked")
      Serde<V> serde = (Serde<V>) storeSerdes.get(name);
      Map<String, V> out = new java.util.HashMap<>();
      for (JsonNode e : JSON.readTree(r.body())) {
        out.put(
            e.get("key").asText(),
            serde
                .deserializer()
                .deserialize(topic(name), Base64.getDecoder().decode(e.get("value").asText())));
      }
      return out;
    } catch (IOException e) {
      throw new InvalidStateStoreException(
          "instance " + host + " did not answer for store " + name + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InvalidStateStoreException("interrupted querying " + host);
    }
  }

  /** The topic a store's values come from (the Avro serde names its registry subject by it). */
  private static String topic(String store) {
    return store.equals(LeaderboardTopology.PROMOTIONS_STORE) ? TopicNames.PROMOTIONS : store;
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
