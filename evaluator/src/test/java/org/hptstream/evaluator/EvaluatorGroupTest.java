package org.hptstream.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.hptstream.clients.AvroPublisher;
import org.hptstream.clients.ClientConfigs;
import org.hptstream.data.FashionMnist;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.testkit.EmbeddedKafka;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.hptstream.topics.TopicNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two evaluator instances in one consumer group over a two-partition {@code hpt.checkpoints} (a
 * broker of its own, so the shared topic keeps its one partition): each checkpoint is evaluated by
 * one of them, and when one instance stops with work left in its partition, the other takes the
 * partition over and finishes it: every set of metric events committed exactly once ({@code
 * read_committed}), none lost.
 */
@ExtendWith(TestStackExtension.class)
class EvaluatorGroupTest {
  @TempDir Path tmp;

  @Test
  void twoInstancesShareThePartitionsAndOneTakesOverWhenTheOtherStops(KafkaStackFixture stack)
      throws Exception {
    try (EmbeddedKafka broker = EmbeddedKafka.start()) {
      broker.createTopic(TopicNames.CHECKPOINTS, 2);
      Map<String, Object> clients = new HashMap<>(ServiceFixtures.clients(stack));
      clients.put("bootstrap.servers", broker.bootstrapServers());
      String run = UUID.randomUUID().toString().substring(0, 6);
      Path store = tmp.resolve("store");
      String root = ServiceFixtures.pretrain(store, "group-" + run, "target", null, 2);
      String child = ServiceFixtures.pretrain(store, "group-" + run, "hpt", root, 2);
      // Four domains, two on each partition (checkpoint events are keyed by domain).
      List<String> domains = domains(run);
      for (int d = 0; d < domains.size(); d++) {
        ServiceFixtures.ingestLabelled(
            clients,
            domains.get(d),
            FashionMnist.train().slice(10000 + 200 * d, 10200 + 200 * d),
            FashionMnist.test().slice(2000 + 100 * d, 2100 + 100 * d));
      }

      // Per domain: the HPT child (its BASE row, the root, comes with the domain's first
      // evaluation), then the root itself as a TARGET checkpoint. Eight events, four per
      // partition, waiting before any instance runs.
      try (AvroPublisher<CheckpointEvent> p = ServiceFixtures.checkpoints(clients)) {
        for (String d : domains) {
          p.publish(d, event(store, child, d));
        }
        for (String d : domains) {
          p.publish(d, event(store, root, d));
        }
      }
      SimpleMeterRegistry metersA = new SimpleMeterRegistry();
      SimpleMeterRegistry metersB = new SimpleMeterRegistry();
      EvaluatorService a = new EvaluatorService(config(store, "a"), clients, metersA);
      Thread loopA = new Thread(a::run, "evaluator-a");
      boolean aClosed = false;
      try (EvaluatorService b = new EvaluatorService(config(store, "b"), clients, metersB)) {
        Thread loopB = new Thread(b::run, "evaluator-b");
        // b starts alone with both partitions and a batch of eight; a joins while b evaluates:
        // b gives a partition up between two checkpoints.
        loopB.start();
        await().atMost(Duration.ofMinutes(1)).until(() -> b.assigned().size() == 2);
        loopA.start();
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> a.assigned().size() == 1 && b.assigned().size() == 1);
        // a stops after its first committed evaluation, with work left in its partition: b takes
        // the partition back and finishes it.
        await().atMost(Duration.ofMinutes(3)).until(() -> done(metersA) >= 1);
        a.stop(Duration.ofMinutes(2));
        loopA.join(60_000);
        a.close(); // leaves the group
        aClosed = true;
        await().atMost(Duration.ofMinutes(1)).until(() -> b.assigned().size() == 2);
        await().atMost(Duration.ofMinutes(4)).until(() -> groupAtEnd(clients));

        for (String d : domains) {
          Map<String, Long> sets = sets(clients, d);
          assertThat(sets)
              .as(d)
              .containsOnly(
                  Map.entry("HPT " + child, 1L),
                  Map.entry("BASE " + root, 1L),
                  Map.entry("RANDOM", 1L),
                  Map.entry("TARGET " + root, 1L));
        }
        assertThat(done(metersA) + done(metersB)).isEqualTo(8.0);
        // a's partition held at least three events when a joined: a did one or two, b the rest.
        assertThat(done(metersA)).isBetween(1.0, 2.0);
        b.stop(Duration.ofMinutes(1));
        loopB.join(60_000);
      } finally {
        if (!aClosed) {
          a.stop(Duration.ofSeconds(1));
          a.close();
        }
      }
    }
  }

  private static EvaluatorServiceConfig config(Path store, String instance) {
    // The linear probe makes each evaluation take seconds: the instance that stops after its first
    // one leaves work behind.
    return ServiceFixtures.withProtocols(
        ServiceFixtures.config(store, "group-eval", instance), List.of("linear", "knn"));
  }

  /** Two domain names for each of the two partitions (the producer's murmur2 of the key). */
  private static List<String> domains(String run) {
    List<String> p0 = new ArrayList<>();
    List<String> p1 = new ArrayList<>();
    for (int i = 0; p0.size() < 2 || p1.size() < 2; i++) {
      String d = "group-" + run + "-" + i;
      int p = Utils.toPositive(Utils.murmur2(d.getBytes(StandardCharsets.UTF_8))) % 2;
      List<String> into = p == 0 ? p0 : p1;
      if (into.size() < 2) {
        into.add(d);
      }
    }
    List<String> out = new ArrayList<>(p0);
    out.addAll(p1);
    return out;
  }

  /** The checkpoint's event as if it had been trained on {@code domain}. */
  private static CheckpointEvent event(Path store, String id, String domain) {
    CheckpointEvent e = ServiceFixtures.event(store, id);
    e.setDomain(domain);
    return e;
  }

  private static double done(SimpleMeterRegistry meters) {
    return meters.get("hpt.evaluator.evaluations").tag("outcome", "done").counter().count();
  }

  /** Committed kNN result sets of {@code domain}, per "STRATEGY checkpoint". */
  private static Map<String, Long> sets(Map<String, Object> clients, String domain) {
    return ServiceFixtures.metrics(clients, domain).stream()
        .filter(m -> m.getMetric().equals("knn-top1"))
        .collect(
            Collectors.groupingBy(
                // The random network's id names its architecture: one per domain is what counts.
                (MetricEvent m) ->
                    m.getStrategy().equals("RANDOM")
                        ? "RANDOM"
                        : m.getStrategy() + " " + m.getCheckpointId(),
                Collectors.counting()));
  }

  /** The group has committed every checkpoint event: nothing is left to evaluate. */
  private static boolean groupAtEnd(Map<String, Object> clients) throws Exception {
    try (Admin admin = Admin.create(ClientConfigs.kafkaOnly(clients))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < 2; p++) {
        latest.put(new TopicPartition(TopicNames.CHECKPOINTS, p), OffsetSpec.latest());
      }
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets("group-eval").partitionsToOffsetAndMetadata().get();
      for (var e : admin.listOffsets(latest).all().get().entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        if (c == null || c.offset() < e.getValue().offset()) {
          return false;
        }
      }
      return true;
    }
  }
}
