package org.hptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hptstream.trainer.ServiceFixtures.clientConfig;
import static org.hptstream.trainer.ServiceFixtures.committed;
import static org.hptstream.trainer.ServiceFixtures.events;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.clients.AvroPublisher;
import org.hptstream.data.Sha256;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.CheckpointKind;
import org.hptstream.schemas.OffsetRange;
import org.hptstream.schemas.PromotionDecision;
import org.hptstream.schemas.Strategy;
import org.hptstream.schemas.TrainingRequest;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.hptstream.topics.TopicAdmin;
import org.hptstream.topics.TopicNames;
import org.hptstream.topics.TopicSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The service end to end on the real broker, registry and libtorch, in this JVM. */
@ExtendWith(TestStackExtension.class)
class TrainerServiceTest {
  @TempDir Path tmp;

  @Test
  void ingestedImagesAndARequestBecomeAnnouncedCheckpointsWithOffsetsAndLineage(
      KafkaStackFixture stack) throws Exception {
    String domain = "svc-e2e";
    String topic = TopicNames.images(domain);
    String group = "svc-e2e-group";
    try (Admin admin =
        Admin.create(java.util.Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      new TopicAdmin(admin).ensure(TopicSpec.images(domain, 1));
    }
    // A poison record first (wrong magic byte): the first job's input covers it.
    ServiceFixtures.sendRaw(stack, topic, domain, new byte[] {7, 0, 0, 0, 1, 2});
    long end = 1 + ServiceFixtures.ingest(stack, tmp, domain, 0, 64).acknowledged().size();
    AvroPublisher<TrainingRequest> requests =
        new AvroPublisher<>(clientConfig(stack), TopicSpec.events(TopicNames.TRAINING_REQUESTS));

    // A second domain whose learning rate makes every job diverge.
    String diverging = "svc-nan";
    ServiceFixtures.ingest(stack, tmp, diverging, 0, 64);
    DomainPolicy policy = ServiceFixtures.tinyPolicy(4, 64);
    DomainPolicy explode =
        new DomainPolicy(
            null, null, null, null, null, null, null, null, null, null, null, null, null, 1e30,
            null, null);
    Path store = tmp.resolve("checkpoints");
    TrainerConfig config =
        new TrainerConfig(
            group,
            "it",
            store,
            null,
            1,
            null,
            "cpu",
            -1,
            1_000L,
            "svc-(e2e|nan)",
            policy,
            java.util.Map.of(diverging, explode));
    TrainerService service = new TrainerService(config, clientConfig(stack));
    Thread poll = new Thread(service::run, "trainer-under-test");
    poll.start();
    try {
      await().atMost(Duration.ofMinutes(3)).until(() -> events(stack, domain).size() >= 1);
      CheckpointEvent first = events(stack, domain).get(0);

      // An explicit request: HPT from the first checkpoint, by id.
      requests.publish(
          domain,
          TrainingRequest.newBuilder()
              .setDomain(domain)
              .setStrategy(Strategy.HPT)
              .setParentCheckpoint(first.getCheckpointId())
              .setSteps(3)
              .setRequestedBy("test")
              .setRequestedAt(Instant.now())
              .setRequestId("req-1")
              .build());
      await().atMost(Duration.ofMinutes(3)).until(() -> events(stack, domain).size() >= 2);
      // The same domain's HPT lineage, the same strategy: continual training.
      requests.publish(
          domain,
          TrainingRequest.newBuilder()
              .setDomain(domain)
              .setStrategy(Strategy.HPT)
              .setParentCheckpoint(events(stack, domain).get(1).getCheckpointId())
              .setSteps(3)
              .setRequestedBy("test")
              .setRequestedAt(Instant.now())
              .setRequestId("req-2")
              .build());
      await().atMost(Duration.ofMinutes(3)).until(() -> events(stack, domain).size() >= 3);
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> ServiceFixtures.decisions(stack, diverging).size() >= 1);
    } finally {
      service.stop();
      assertThat(service.awaitStopped(Duration.ofMinutes(2))).isTrue();
      requests.close();
    }

    List<CheckpointEvent> events = events(stack, domain);
    assertThat(events).hasSize(3);
    CheckpointEvent first = events.get(0);
    assertThat(first.getStrategy()).isEqualTo(Strategy.TARGET);
    assertThat(first.getKind()).isEqualTo(CheckpointKind.FINAL);
    assertThat(first.getSteps()).isEqualTo(4);
    assertThat(first.getParentId()).isNull();
    assertThat(first.getProvenance()).containsExactly(new OffsetRange(topic, 0, 0L, end));
    assertThat(first.getJobId()).startsWith(domain + "-");
    CheckpointEvent second = events.get(1);
    assertThat(second.getStrategy()).isEqualTo(Strategy.HPT);
    assertThat(second.getParentId()).isEqualTo(first.getCheckpointId());
    assertThat(second.getRequestId()).isEqualTo("req-1");
    assertThat(second.getSteps()).isEqualTo(3);
    assertThat(second.getJobId()).isNotEqualTo(first.getJobId());
    // HPT from a target checkpoint takes its backbone only; HPT from HPT of the domain continues.
    assertThat(first.getContinued()).isFalse();
    assertThat(second.getContinued()).isFalse();
    CheckpointEvent third = events.get(2);
    assertThat(third.getParentId()).isEqualTo(second.getCheckpointId());
    assertThat(third.getRequestId()).isEqualTo("req-2");
    assertThat(third.getContinued()).isTrue();

    // The weights the event names are on disk, as announced.
    Path weights = Path.of(java.net.URI.create(first.getWeights().getUri()));
    assertThat(Sha256.ofFile(weights)).isEqualTo(first.getWeights().getSha256());
    // The manifest records the job and its exact input.
    CheckpointManifest m =
        new LocalCheckpointStore(store).manifest(first.getCheckpointId()).orElseThrow();
    assertThat(m.data().job().jobId()).isEqualTo(first.getJobId());
    assertThat(m.data().job().ranges())
        .containsExactly(new CheckpointManifest.OffsetSpan(topic, 0, 0, end));
    // Offsets moved with the events; the poison record was dead-lettered once.
    assertThat(committed(stack, group).get(new TopicPartition(topic, 0)).offset()).isEqualTo(end);
    assertThat(ServiceFixtures.raw(stack, TopicNames.deadLetter(topic))).hasSize(1);
    // The gate ruled on both in the same transactions: no labelled split, so health decides.
    List<PromotionDecision> decisions = ServiceFixtures.decisions(stack, domain);
    assertThat(decisions).hasSize(3);
    assertThat(decisions.get(0).getCheckpointId()).isEqualTo(first.getCheckpointId());
    assertThat(decisions.get(0).getJobId()).isEqualTo(first.getJobId());
    assertThat(decisions.get(0).getPromoted()).as(decisions.get(0).getReason()).isTrue();
    assertThat(decisions.get(0).getPromotedCheckpointId()).isEqualTo(first.getCheckpointId());
    assertThat(decisions.get(1).getCheckpointId()).isEqualTo(second.getCheckpointId());
    // The diverging job: no checkpoint event, a rejection with the reason, offsets moved on.
    assertThat(events(stack, diverging)).isEmpty();
    List<PromotionDecision> nan = ServiceFixtures.decisions(stack, diverging);
    assertThat(nan).hasSize(1);
    assertThat(nan.get(0).getPromoted()).isFalse();
    assertThat(nan.get(0).getReason()).startsWith("non-finite loss");
    assertThat(nan.get(0).getPromotedCheckpointId()).isNull();
    assertThat(Files.exists(store)).isTrue();
  }
}
