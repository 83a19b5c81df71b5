package org.hptstream.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hptstream.clients.AvroPublisher;
import org.hptstream.evaluation.events.MetricEvents;
import org.hptstream.schemas.LeaderboardEntry;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leaderboard application on the real broker: metric events in, the compacted output topic and
 * interactive queries out; a restart with its local state gone rebuilds it from the changelog.
 */
@ExtendWith(TestStackExtension.class)
class LeaderboardRestartTest {
  @TempDir Path tmp;

  @Test
  void rowsSurviveARestartFromTheChangelog(KafkaStackFixture stack) throws Exception {
    String domain = "lb-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> clients = new HashMap<>();
    clients.put("bootstrap.servers", stack.bootstrapServers());
    clients.put("schema.registry.url", stack.schemaRegistryUrl());
    clients.put("specific.avro.reader", "true");
    String app = "lb-restart-" + domain;
    long now = System.currentTimeMillis();

    try (Leaderboard board =
        new Leaderboard(
            clients, new LeaderboardConfig(app, tmp.resolve("a"), Duration.ofMillis(200)))) {
      board.awaitRunning(Duration.ofMinutes(1));
      try (AvroPublisher<MetricEvent> p = new AvroPublisher<>(clients, MetricEvents.TOPIC)) {
        for (MetricEvent e :
            List.of(
                Events.metric(domain, "linear-top1", "root", "BASE", 0, 0.50, now),
                Events.metric(domain, "linear-top1", "c1", "HPT", 100, 0.62, now + 1),
                Events.metric(domain, "knn-top1", "c1", "HPT", 100, 0.55, now + 1))) {
          p.publish(e.getCheckpointId(), e);
        }
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> board.view().standings(domain).size() == 2);
    }

    // The output topic holds the leader of each group.
    List<LeaderboardEntry> out =
        org.hptstream.evaluator.TestTopics.readValues(
            clients, LeaderboardTopology.OUTPUT_TOPIC, LeaderboardEntry.class);
    assertThat(out.stream().filter(e -> e.getDomain().equals(domain)))
        .extracting(LeaderboardEntry::getMetric, LeaderboardEntry::getCheckpointId)
        .contains(
            org.assertj.core.groups.Tuple.tuple("linear-top1", "c1"),
            org.assertj.core.groups.Tuple.tuple("knn-top1", "c1"));

    // Same application, empty state directory: restored from the changelog, then still ranking.
    try (Leaderboard board =
        new Leaderboard(
            clients, new LeaderboardConfig(app, tmp.resolve("b"), Duration.ofMillis(200)))) {
      board.awaitRunning(Duration.ofMinutes(1));
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> board.view().standings(domain).size() == 2);
      Standing linear =
          board.view().standings(domain).stream()
              .filter(s -> s.metric().equals("linear-top1"))
              .findFirst()
              .orElseThrow();
      assertThat(linear.best().checkpointId()).isEqualTo("c1");
      assertThat(linear.gainOverBase()).isCloseTo(0.12, org.assertj.core.data.Offset.offset(1e-9));
      try (AvroPublisher<MetricEvent> p = new AvroPublisher<>(clients, MetricEvents.TOPIC)) {
        MetricEvent better = Events.metric(domain, "linear-top1", "c2", "HPT", 200, 0.70, now + 2);
        p.publish(better.getCheckpointId(), better);
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () ->
                  board.view().standings(domain).stream()
                      .anyMatch(
                          s ->
                              s.metric().equals("linear-top1")
                                  && s.best().checkpointId().equals("c2")
                                  && s.candidates() == 3));
    }
  }
}
