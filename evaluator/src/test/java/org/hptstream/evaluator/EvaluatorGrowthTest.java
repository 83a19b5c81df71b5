package org.hptstream.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hptstream.clients.AvroPublisher;
import org.hptstream.data.FashionMnist;
import org.hptstream.evaluator.EvaluatorService.DomainState;
import org.hptstream.leaderboard.Leaderboard;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.schemas.PromotionDecision;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.hptstream.topics.TopicNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a domain's labelled split grows, its promoted checkpoint and its BASE are evaluated again on
 * the grown split, once: real broker and registry, real checkpoints from {@code hpt pretrain}.
 */
@ExtendWith(TestStackExtension.class)
class EvaluatorGrowthTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void grownSplitReEvaluatesPromotedAndBaseOnce(KafkaStackFixture stack) throws Exception {
    String domain = "grow-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> clients = ServiceFixtures.clients(stack);
    Path store = tmp.resolve("store");
    String root = ServiceFixtures.pretrain(store, domain, "target", null, 2);
    String child = ServiceFixtures.pretrain(store, domain, "hpt", root, 2);
    ServiceFixtures.ingestLabelled(
        clients,
        domain,
        FashionMnist.train().slice(20000, 20300),
        FashionMnist.test().slice(1000, 1200));
    EvaluatorServiceConfig config =
        ServiceFixtures.withProtocols(
            ServiceFixtures.config(store, "grow-" + domain, "g"), List.of("knn"));
    ServiceFixtures.startGroupAtEnd(clients, config.groupId());
    promote(clients, domain, child);

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (EvaluatorService service = new EvaluatorService(config, clients, meters);
        AvroPublisher<CheckpointEvent> checkpoints = ServiceFixtures.checkpoints(clients)) {
      checkpoints.publish(domain, ServiceFixtures.event(store, child));
      Thread loop = new Thread(service::run, "evaluator-loop");
      loop.start();
      try {
        // The child itself, the domain's BASE row (the lineage root) and the random network of its
        // architecture on 200 test images.
        await().atMost(Duration.ofMinutes(3)).until(() -> top1(clients, domain).size() >= 3);
        assertThat(top1(clients, domain))
            .containsOnly(
                Map.entry("HPT@200", 1L), Map.entry("BASE@200", 1L), Map.entry("RANDOM@200", 1L));
        DomainState first = state(clients, domain);
        assertThat(first.baseId()).isEqualTo(root);

        // Unlabelled images for training: the labelled splits did not change, nothing is redone.
        ServiceFixtures.ingestUnlabelled(clients, domain, FashionMnist.train().slice(0, 100));
        awaitGrowthChecks(meters, 3);
        assertThat(top1(clients, domain))
            .containsOnly(
                Map.entry("HPT@200", 1L), Map.entry("BASE@200", 1L), Map.entry("RANDOM@200", 1L));

        // 100 more labelled test images: the promoted checkpoint and BASE are measured again on
        // the grown split (a new comparison group), once, whatever the later checks see.
        ServiceFixtures.ingestLabelled(
            clients, domain, null, FashionMnist.test().slice(1200, 1300));
        await().atMost(Duration.ofMinutes(3)).until(() -> top1(clients, domain).size() >= 6);
        awaitGrowthChecks(meters, 3);
        assertThat(top1(clients, domain))
            .containsOnly(
                Map.entry("HPT@200", 1L),
                Map.entry("BASE@200", 1L),
                Map.entry("RANDOM@200", 1L),
                Map.entry("HPT@300", 1L),
                Map.entry("BASE@300", 1L),
                Map.entry("RANDOM@300", 1L));
        MetricEvent promoted =
            ServiceFixtures.metrics(clients, domain).stream()
                .filter(m -> m.getMetric().equals("knn-top1"))
                .filter(m -> m.getExamples().get("test") == 300L)
                .filter(m -> m.getStrategy().equals("HPT"))
                .findFirst()
                .orElseThrow();
        assertThat(promoted.getCheckpointId()).isEqualTo(child);
        assertThat(promoted.getParentId()).isEqualTo(root);
        assertThat(promoted.getExamples()).containsKey("train");
        DomainState grown = state(clients, domain);
        assertThat(grown.baseId()).isEqualTo(root);
        assertThat(grown.dataVersion()).isNotEqualTo(first.dataVersion());
      } finally {
        service.stop(Duration.ofSeconds(60));
        loop.join(60_000);
      }
    }
  }

  /** Waits until the idle loop has checked the domains for growth {@code n} more times. */
  private static void awaitGrowthChecks(SimpleMeterRegistry meters, int n) {
    double start = growthChecks(meters);
    await().atMost(Duration.ofMinutes(1)).until(() -> growthChecks(meters) >= start + n);
  }

  private static double growthChecks(SimpleMeterRegistry meters) {
    return meters.get("hpt.evaluator.growth.checks").counter().count();
  }

  /** Count of knn-top1 events per "STRATEGY@test examples". */
  private static Map<String, Long> top1(Map<String, Object> clients, String domain) {
    return ServiceFixtures.metrics(clients, domain).stream()
        .filter(m -> m.getMetric().equals("knn-top1"))
        .collect(
            Collectors.groupingBy(
                m -> m.getStrategy() + "@" + m.getExamples().get("test"), Collectors.counting()));
  }

  private static DomainState state(Map<String, Object> clients, String domain) throws Exception {
    DomainState last = null;
    for (var r : ServiceFixtures.read(clients, EvaluatorService.STATE_TOPIC)) {
      if (domain.equals(r.key()) && r.value() != null) {
        last = JSON.readValue(r.value(), DomainState.class);
      }
    }
    assertThat(last).as("evaluator state of " + domain).isNotNull();
    return last;
  }

  /** The trainer's promotion decision naming {@code id} the domain's promoted checkpoint. */
  private static void promote(Map<String, Object> clients, String domain, String id) {
    try (AvroPublisher<PromotionDecision> p =
        new AvroPublisher<>(clients, Leaderboard.compacted(TopicNames.PROMOTIONS))) {
      p.publish(
          domain,
          PromotionDecision.newBuilder()
              .setDomain(domain)
              .setCheckpointId(id)
              .setPromoted(true)
              .setReason("test")
              .setPromotedCheckpointId(id)
              .setDecidedAt(Instant.now())
              .build());
    }
  }
}
