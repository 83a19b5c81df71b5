package org.hptstream.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.LeaderboardEntry;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.schemas.PromotionDecision;
import org.hptstream.serde.AvroSerde;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.hptstream.topics.TopicNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The leaderboard topology under {@code TopologyTestDriver}, with the real registry's serdes. */
@ExtendWith(TestStackExtension.class)
class LeaderboardTopologyTest {
  private TopologyTestDriver driver;
  private TestInputTopic<String, MetricEvent> metrics;
  private TestInputTopic<String, CheckpointEvent> checkpoints;
  private TestInputTopic<String, PromotionDecision> promotions;
  private TestOutputTopic<String, LeaderboardEntry> out;
  private LeaderboardView view;

  @BeforeEach
  void start(KafkaStackFixture stack) {
    SchemaRegistryClient registry =
        SchemaRegistryClient.fromConfigs(Map.of("schema.registry.url", stack.schemaRegistryUrl()));
    Map<String, Object> cfg =
        Map.of("schema.registry.url", stack.schemaRegistryUrl(), "specific.avro.reader", "true");
    AvroSerde<MetricEvent> m = AvroSerde.specific(registry, MetricEvent.class);
    AvroSerde<CheckpointEvent> c = AvroSerde.specific(registry, CheckpointEvent.class);
    AvroSerde<PromotionDecision> p = AvroSerde.specific(registry, PromotionDecision.class);
    AvroSerde<LeaderboardEntry> e = AvroSerde.specific(registry, LeaderboardEntry.class);
    for (var s : new AvroSerde<?>[] {m, c, p, e}) {
      s.configure(cfg, false);
    }
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "leaderboard-ttd");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver =
        new TopologyTestDriver(
            LeaderboardTopology.build(new LeaderboardTopology.TopicSerdes(m, c, p, e)), props);
    metrics =
        driver.createInputTopic(TopicNames.METRICS, Serdes.String().serializer(), m.serializer());
    checkpoints =
        driver.createInputTopic(
            TopicNames.CHECKPOINTS, Serdes.String().serializer(), c.serializer());
    promotions =
        driver.createInputTopic(
            TopicNames.PROMOTIONS, Serdes.String().serializer(), p.serializer());
    out =
        driver.createOutputTopic(
            LeaderboardTopology.OUTPUT_TOPIC, Serdes.String().deserializer(), e.deserializer());
    view =
        new LeaderboardView(
            () -> driver.getKeyValueStore(LeaderboardTopology.GROUPS_STORE),
            () -> driver.getKeyValueStore(LeaderboardTopology.CHECKPOINTS_STORE),
            () -> driver.getKeyValueStore(LeaderboardTopology.PROMOTIONS_STORE));
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(MetricEvent e) {
    metrics.pipeInput(e.getCheckpointId(), e);
  }

  private LeaderboardEntry lastEntry() {
    LeaderboardEntry last = null;
    while (!out.isEmpty()) {
      last = out.readValue();
    }
    return last;
  }

  @Test
  void aNewBestReplacesTheOldOneAndTheGainOverBaseFollows() {
    send(Events.metric("d", "linear-top1", "base0", "BASE", 0, 0.60, 1000));
    assertThat(lastEntry().getCheckpointId()).isEqualTo("base0");
    send(Events.metric("d", "linear-top1", "c1", "HPT", 100, 0.70, 2000));
    LeaderboardEntry e = lastEntry();
    assertThat(e.getCheckpointId()).isEqualTo("c1");
    assertThat(e.getStrategy()).isEqualTo("HPT");
    assertThat(e.getSteps()).isEqualTo(100L);
    assertThat(e.getBaseValue()).isEqualTo(0.60);
    assertThat(e.getGainOverBase()).isCloseTo(0.10, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(e.getCandidates()).isEqualTo(2);
    send(Events.metric("d", "linear-top1", "c2", "HPT", 200, 0.65, 3000));
    assertThat(lastEntry().getCheckpointId()).as("a worse result keeps the leader").isEqualTo("c1");
    send(Events.metric("d", "linear-top1", "c3", "TARGET", 200, 0.75, 4000));
    e = lastEntry();
    assertThat(e.getCheckpointId()).isEqualTo("c3");
    assertThat(e.getGainOverBase()).isCloseTo(0.15, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void theRandomNetworkIsCountedButNeverLeads() {
    send(Events.metric("r", "linear-top1", "random-net-seed0", "RANDOM", 0, 0.80, 1000));
    assertThat(lastEntry()).as("no checkpoint yet: nothing to lead").isNull();
    send(Events.metric("r", "linear-top1", "base0", "BASE", 0, 0.70, 2000));
    LeaderboardEntry e = lastEntry();
    assertThat(e.getCheckpointId())
        .as("a worse checkpoint still leads a random network")
        .isEqualTo("base0");
    assertThat(e.getCandidates()).isEqualTo(2);
    send(Events.metric("r", "linear-top1", "c1", "HPT", 100, 0.85, 3000));
    assertThat(lastEntry().getCheckpointId()).isEqualTo("c1");
  }

  @Test
  void onATieTheEarlierEvaluationKeepsTheLeadWhateverTheArrivalOrder() {
    send(Events.metric("t", "knn-top1", "late-but-first", "HPT", 100, 0.5, 1000));
    send(Events.metric("t", "knn-top1", "second", "HPT", 200, 0.5, 2000));
    assertThat(lastEntry().getCheckpointId()).isEqualTo("late-but-first");
    // Same results the other way round, in another domain: same leader.
    send(Events.metric("u", "knn-top1", "second", "HPT", 200, 0.5, 2000));
    send(Events.metric("u", "knn-top1", "late-but-first", "HPT", 100, 0.5, 1000));
    assertThat(lastEntry().getCheckpointId()).isEqualTo("late-but-first");
  }

  @Test
  void aLateMetricTakesItsPlaceAndALateBaseFillsInTheGain() {
    send(Events.metric("l", "linear-top1", "c2", "HPT", 200, 0.70, 5000));
    // Evaluated earlier, arrives later, and is better.
    send(Events.metric("l", "linear-top1", "c1", "HPT", 100, 0.80, 3000));
    LeaderboardEntry e = lastEntry();
    assertThat(e.getCheckpointId()).isEqualTo("c1");
    assertThat(e.getGainOverBase()).isNull();
    send(Events.metric("l", "linear-top1", "root", "BASE", 0, 0.55, 1000));
    e = lastEntry();
    assertThat(e.getCheckpointId()).isEqualTo("c1");
    assertThat(e.getBaseCheckpointId()).isEqualTo("root");
    assertThat(e.getGainOverBase()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-12));
    // A stale re-delivery of c1 (older timestamp) does not overwrite its newer result.
    MetricEvent stale = Events.metric("l", "linear-top1", "c1", "HPT", 100, 0.10, 2000);
    send(stale);
    assertThat(lastEntry().getCheckpointId()).isEqualTo("c1");
    assertThat(view.history("l").get("linear-top1").get("HPT"))
        .extracting(LeaderboardView.Point::steps, LeaderboardView.Point::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(100L, 0.80),
            org.assertj.core.groups.Tuple.tuple(200L, 0.70));
  }

  @Test
  void onlyDirectedMetricsAreRankedAndOnlyLikeIsComparedWithLike() {
    send(Events.metric("x", "health-effective_rank", "c1", "HPT", 100, 9.0, 1000));
    assertThat(out.isEmpty()).as("a metric without direction is not ranked").isTrue();
    send(Events.metric("x", "linear-top1", "c1", "HPT", 100, 0.7, 1000));
    MetricEvent other = Events.metric("x", "linear-top1", "c2", "HPT", 200, 0.9, 2000);
    other.setExamples(Map.of("train", 1200L, "test", 400L)); // a grown split: another group
    send(other);
    assertThat(view.standings("x"))
        .extracting(s -> s.best().checkpointId())
        .containsExactly("c2", "c1");
    assertThat(view.history("x").get("linear-top1").get("HPT"))
        .as("the chart shows the most recent group")
        .extracting(LeaderboardView.Point::checkpointId)
        .containsExactly("c2");
  }

  @Test
  void lineageAndPromotionsAreQueryable() {
    checkpoints.pipeInput("src", Events.checkpoint("src", "root", null, 500, 1000));
    checkpoints.pipeInput("d", Events.checkpoint("d", "child", "root", 100, 2000));
    checkpoints.pipeInput("d", Events.checkpoint("d", "grandchild", "child", 200, 3000));
    promotions.pipeInput(
        "d",
        PromotionDecision.newBuilder()
            .setDomain("d")
            .setCheckpointId("child")
            .setPromoted(true)
            .setReason("passed")
            .setPromotedCheckpointId("child")
            .setDecidedAt(Instant.ofEpochMilli(2500))
            .build());
    assertThat(view.lineage("d"))
        .extracting(LineageNode::checkpointId)
        .containsExactly("root", "child", "grandchild");
    assertThat(view.promoted("d")).isEqualTo("child");
    assertThat(view.domains()).contains("d");
  }
}
