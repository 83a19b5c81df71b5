package org.hptstream.views;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hptstream.clients.AvroPublisher;
import org.hptstream.leaderboard.LeaderboardTopology;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.LeaderboardEntry;
import org.hptstream.schemas.MetricDirection;
import org.hptstream.schemas.PromotionDecision;
import org.hptstream.schemas.Split;
import org.hptstream.schemas.Strategy;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.hptstream.topics.TopicNames;
import org.hptstream.topics.TopicSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** {@code hpt checkpoints} and {@code hpt watch --once} against topics on the real broker. */
@ExtendWith(TestStackExtension.class)
class ViewsTest {
  @Test
  void lineageTreeAndLeaderboardTable(KafkaStackFixture stack) {
    String domain = "views-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> clients = new HashMap<>();
    clients.put("bootstrap.servers", stack.bootstrapServers());
    clients.put("schema.registry.url", stack.schemaRegistryUrl());
    try (AvroPublisher<CheckpointEvent> cp =
        new AvroPublisher<>(clients, TopicSpec.events(TopicNames.CHECKPOINTS))) {
      cp.publish("src", checkpoint("src", domain + "-root", null, Strategy.TARGET, 500, 1));
      cp.publish(domain, checkpoint(domain, domain + "-a", domain + "-root", Strategy.HPT, 100, 2));
      cp.publish(domain, checkpoint(domain, domain + "-b", domain + "-a", Strategy.HPT, 200, 3));
      cp.publish(
          domain, checkpoint(domain, domain + "-c", domain + "-root", Strategy.HPT_BN, 100, 4));
    }
    try (AvroPublisher<PromotionDecision> pr =
        new AvroPublisher<>(
            clients, org.hptstream.leaderboard.Leaderboard.compacted(TopicNames.PROMOTIONS))) {
      pr.publish(
          domain,
          PromotionDecision.newBuilder()
              .setDomain(domain)
              .setCheckpointId(domain + "-a")
              .setPromoted(true)
              .setReason("passed")
              .setPromotedCheckpointId(domain + "-a")
              .setDecidedAt(Instant.now())
              .build());
    }
    try (AvroPublisher<LeaderboardEntry> lb =
        new AvroPublisher<>(
            clients,
            org.hptstream.leaderboard.Leaderboard.compacted(LeaderboardTopology.OUTPUT_TOPIC))) {
      lb.publish(
          domain + "/linear-top1/x",
          LeaderboardEntry.newBuilder()
              .setDomain(domain)
              .setMetric("linear-top1")
              .setProtocolName("linear")
              .setEvalSplit(Split.TEST)
              .setDirection(MetricDirection.HIGHER_IS_BETTER)
              .setCheckpointId(domain + "-a")
              .setStrategy("HPT")
              .setSteps(100L)
              .setValue(0.8125)
              .setSpread(0.01)
              .setBaseCheckpointId(domain + "-root")
              .setBaseValue(0.75)
              .setGainOverBase(0.0625)
              .setCandidates(3)
              .setUpdatedAt(Instant.now())
              .build());
    }
    String[] conn = {
      "--bootstrap-servers",
      stack.bootstrapServers(),
      "--schema-registry-url",
      stack.schemaRegistryUrl()
    };
    String tree = run(new CheckpointsCommand(), concat(conn, "--domain", domain));
    assertThat(tree.lines().toList())
        .containsExactly(
            domain + "-root  TARGET  500 steps  (domain src)",
            "├─ " + domain + "-a  HPT  100 steps  [promoted]",
            "│  └─ " + domain + "-b  HPT  200 steps",
            "└─ " + domain + "-c  HPT_BN  100 steps");

    String table = run(new WatchCommand(), concat(conn, "--domain", domain, "--once"));
    List<String> lines = table.lines().toList();
    assertThat(lines.get(0)).startsWith("DOMAIN").contains("GAIN");
    assertThat(lines.get(1))
        .contains(domain, "linear-top1", domain + "-a", "HPT", "100", "0.8125 ±0.0100", "0.7500")
        .contains("+0.0625", "promoted");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(command);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    assertThat(cmd.execute(args)).as(err.toString()).isEqualTo(0);
    return out.toString();
  }

  private static CheckpointEvent checkpoint(
      String domain, String id, String parent, Strategy strategy, long steps, long at) {
    return org.hptstream.leaderboard.Events.checkpoint(domain, id, parent, strategy, steps, at);
  }
}
