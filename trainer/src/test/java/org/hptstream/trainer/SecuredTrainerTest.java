package org.hptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hptstream.ingest.IngestConfig;
import org.hptstream.ingest.IngestListener;
import org.hptstream.ingest.IngestResult;
import org.hptstream.ingest.Ingestor;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.OffsetRange;
import org.hptstream.serde.AvroDeserializer;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.SecuredBroker;
import org.hptstream.testkit.TestStackExtension;
import org.hptstream.testkit.TopicContents;
import org.hptstream.topics.TopicNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer service against a broker secured as production clusters are (SASL_SSL, SCRAM-SHA-512,
 * ACLs, nothing allowed without one), as a principal holding exactly the ACLs the README lists for
 * a trainer: images are ingested by another principal, trained on, and the checkpoint is announced
 * in a committed transaction with the group's offsets.
 */
@ExtendWith(TestStackExtension.class)
class SecuredTrainerTest {
  @TempDir Path tmp;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void trainsAndAnnouncesWithTheDocumentedAcls(KafkaStackFixture shared) throws Exception {
    String domain = "secured-train";
    String topic = TopicNames.images(domain);
    String group = "secured-trainer";
    try (SecuredBroker broker =
        SecuredBroker.start(tmp.resolve("broker"), List.of("ingester", "trainer"))) {
      broker.allow(
          "ingester",
          ResourceType.TOPIC,
          TopicNames.IMAGES_PREFIX,
          PatternType.PREFIXED,
          AclOperation.CREATE,
          AclOperation.DESCRIBE,
          AclOperation.DESCRIBE_CONFIGS,
          AclOperation.WRITE);
      grantTrainer(broker, "trainer", group);

      IngestResult ingested =
          new Ingestor(client(broker, "ingester", shared))
              .run(
                  IngestConfig.of(domain, List.of(ServiceFixtures.idx(tmp, 0, 64)))
                      .withMaxBatchBytes(8_000),
                  IngestListener.NONE);
      assertThat(ingested.success()).as(ingested.summary()).isTrue();

      TrainerConfig config =
          ServiceFixtures.config(
              group, tmp.resolve("checkpoints"), domain, ServiceFixtures.tinyPolicy(4, 64));
      TrainerService service = new TrainerService(config, client(broker, "trainer", shared));
      Thread poll = new Thread(service::run, "secured-trainer");
      poll.start();
      try {
        await()
            .atMost(Duration.ofMinutes(4))
            .until(() -> events(broker, shared, domain).size() >= 1);
      } finally {
        service.stop();
        assertThat(service.awaitStopped(Duration.ofMinutes(2))).isTrue();
      }

      List<CheckpointEvent> events = events(broker, shared, domain);
      assertThat(events).hasSize(1);
      long end =
          TopicContents.read(
                  broker.clientConfig(SecuredBroker.ADMIN),
                  topic,
                  new ByteArrayDeserializer(),
                  new ByteArrayDeserializer())
              .size();
      assertThat(events.get(0).getProvenance()).containsExactly(new OffsetRange(topic, 0, 0L, end));
      try (Admin admin = Admin.create(new HashMap<>(broker.clientConfig(SecuredBroker.ADMIN)))) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        assertThat(committed.get(new TopicPartition(topic, 0)).offset()).isEqualTo(end);
      }
      assertThat(Files.list(tmp.resolve("checkpoints")).count()).isPositive();
    }
  }

  /** The README's ACLs of a trainer principal (section "Secured clusters"). */
  static void grantTrainer(SecuredBroker broker, String user, String group) {
    broker.allow(
        user,
        ResourceType.TOPIC,
        TopicNames.IMAGES_PREFIX,
        PatternType.PREFIXED,
        AclOperation.READ,
        AclOperation.DESCRIBE,
        AclOperation.DESCRIBE_CONFIGS,
        AclOperation.CREATE,
        AclOperation.WRITE);
    for (String events : List.of(TopicNames.CHECKPOINTS, TopicNames.PROMOTIONS)) {
      broker.allow(
          user,
          ResourceType.TOPIC,
          events,
          AclOperation.CREATE,
          AclOperation.DESCRIBE,
          AclOperation.READ,
          AclOperation.WRITE);
    }
    broker.allow(
        user,
        ResourceType.TOPIC,
        TopicNames.TRAINING_REQUESTS,
        AclOperation.CREATE,
        AclOperation.DESCRIBE,
        AclOperation.READ);
    broker.allow(user, ResourceType.GROUP, group, AclOperation.READ);
    broker.allow(
        user,
        ResourceType.TRANSACTIONAL_ID,
        group + "-",
        PatternType.PREFIXED,
        AclOperation.WRITE,
        AclOperation.DESCRIBE);
  }

  private static Map<String, Object> client(
      SecuredBroker broker, String user, KafkaStackFixture shared) {
    Map<String, Object> c = new HashMap<>(broker.clientConfig(user));
    c.put("schema.registry.url", shared.schemaRegistryUrl());
    return c;
  }

  private static List<CheckpointEvent> events(
      SecuredBroker broker, KafkaStackFixture shared, String domain) {
    AvroDeserializer<CheckpointEvent> values = new AvroDeserializer<>();
    values.configure(
        Map.of("schema.registry.url", shared.schemaRegistryUrl(), "specific.avro.reader", "true"),
        false);
    List<CheckpointEvent> out = new ArrayList<>();
    for (ConsumerRecord<String, CheckpointEvent> r :
        TopicContents.read(
            broker.clientConfig(SecuredBroker.ADMIN),
            TopicNames.CHECKPOINTS,
            new StringDeserializer(),
            values)) {
      if (domain.equals(r.key())) {
        out.add(r.value());
      }
    }
    return out;
  }
}
