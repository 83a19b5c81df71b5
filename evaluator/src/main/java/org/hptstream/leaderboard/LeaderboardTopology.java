package org.hptstream.leaderboard;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.LeaderboardEntry;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.schemas.PromotionDecision;
import org.hptstream.topics.TopicNames;

/**
 * Builds the leaderboard topology; how it runs (brokers, application id, state directory, commit
 * interval) is {@link LeaderboardConfig}'s business, so tests drive the same topology with {@code
 * TopologyTestDriver}.
 *
 * <ul>
 *   <li>{@link TopicNames#METRICS} -> ranked metrics only, re-keyed by comparison group -> {@link
 *       GroupState} aggregate (store {@value #GROUPS_STORE}: every result, the charts' history) ->
 *       the group's {@link LeaderboardEntry} on the compacted output topic;
 *   <li>{@link TopicNames#CHECKPOINTS} -> re-keyed by checkpoint id -> store {@value
 *       #CHECKPOINTS_STORE} (the lineage);
 *   <li>{@link TopicNames#PROMOTIONS} -> table by domain, store {@value #PROMOTIONS_STORE}.
 * </ul>
 */
public final class LeaderboardTopology {
  /** The compacted output topic, keyed by comparison group. */
  public static final String OUTPUT_TOPIC = TopicNames.PREFIX + "leaderboard";

  public static final String GROUPS_STORE = "leaderboard-groups";
  public static final String CHECKPOINTS_STORE = "leaderboard-checkpoints";
  public static final String PROMOTIONS_STORE = "leaderboard-promotions";

  /** The Avro serdes of the topics (configured by the caller against its registry). */
  public record TopicSerdes(
      Serde<MetricEvent> metrics,
      Serde<CheckpointEvent> checkpoints,
      Serde<PromotionDecision> promotions,
      Serde<LeaderboardEntry> entries) {}

  private LeaderboardTopology() {}

  /** The topology over the standard topic names. */
  public static Topology build(TopicSerdes serdes) {
    StreamsBuilder b = new StreamsBuilder();
    Serde<String> keys = Serdes.String();

    b.stream(TopicNames.METRICS, Consumed.with(keys, serdes.metrics()).withName("metrics"))
        .filter((k, e) -> GroupState.ranked(e), Named.as("ranked-only"))
        .groupBy((k, e) -> GroupState.groupKey(e), Grouped.with("by-group", keys, serdes.metrics()))
        .aggregate(
            () -> null,
            (group, e, state) -> (state == null ? GroupState.of(e) : state).with(e),
            Named.as("rank"),
            Materialized.<String, GroupState, KeyValueStore<Bytes, byte[]>>as(GROUPS_STORE)
                .withKeySerde(keys)
                .withValueSerde(new JsonSerde<>(GroupState.class)))
        .toStream(Named.as("changes"))
        .mapValues((group, state) -> state.entry(group), Named.as("to-entry"))
        .to(OUTPUT_TOPIC, Produced.with(keys, serdes.entries()).withName("leaderboard"));

    b.stream(
            TopicNames.CHECKPOINTS,
            Consumed.with(keys, serdes.checkpoints()).withName("checkpoints"))
        .filter((k, e) -> e != null, Named.as("present"))
        .map(
            (k, e) ->
                org.apache.kafka.streams.KeyValue.pair(e.getCheckpointId(), LineageNode.of(e)),
            Named.as("by-id"))
        .toTable(
            Named.as("lineage"),
            Materialized.<String, LineageNode, KeyValueStore<Bytes, byte[]>>as(CHECKPOINTS_STORE)
                .withKeySerde(keys)
                .withValueSerde(new JsonSerde<>(LineageNode.class)));

    b.table(
        TopicNames.PROMOTIONS,
        Consumed.with(keys, serdes.promotions()).withName("promotions"),
        Materialized.<String, PromotionDecision, KeyValueStore<Bytes, byte[]>>as(PROMOTIONS_STORE)
            .withKeySerde(keys)
            .withValueSerde(serdes.promotions()));
    return b.build();
  }
}
