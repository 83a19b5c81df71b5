package org.hptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hptstream.trainer.ServiceFixtures.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.hptstream.imagetopic.ImageTopicReader;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.DeadLetter;
import org.hptstream.serde.AvroDeserializer;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.hptstream.topics.TopicNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poll thread's side of the service: it keeps polling through a job far longer than {@code
 * max.poll.interval.ms}, pauses a domain whose dead letters cannot be sent (bounded memory) and
 * resumes it when they are, and dead-letters a bad record once per consumer group.
 */
@ExtendWith(TestStackExtension.class)
class TrainerConsumptionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void aJobLongerThanMaxPollIntervalKeepsTheGroupMembership(KafkaStackFixture stack)
      throws Exception {
    String domain = "cons-long";
    ServiceFixtures.ingest(stack, tmp, domain, 400, 464);
    Map<String, Object> client = ServiceFixtures.clientConfig(stack);
    int interval = 6_000;
    client.put("max.poll.interval.ms", interval);
    // 6 steps of 2.5 s: the job trains 15 s, 2.5 intervals, while the poll thread must go on.
    System.setProperty(FaultHooks.STEP_DELAY_PROPERTY, "2500");
    TrainerService service =
        new TrainerService(
            ServiceFixtures.config(
                "cons-long-group",
                "it",
                tmp.resolve("store-long"),
                domain,
                true,
                ServiceFixtures.tinyPolicy(6, 64)),
            client);
    Thread t = new Thread(service::run, "trainer-cons-long");
    t.start();
    try {
      await().atMost(Duration.ofMinutes(3)).until(() -> events(stack, domain).size() >= 1);
      JsonNode h = health(service);
      assertThat(h.path("assignments").asLong())
          .as("one assignment, no rebalance after a poll timeout: %s", h)
          .isEqualTo(1);
    } finally {
      System.clearProperty(FaultHooks.STEP_DELAY_PROPERTY);
      service.stop();
      assertThat(service.awaitStopped(Duration.ofMinutes(2))).isTrue();
    }
    List<CheckpointEvent> events = events(stack, domain);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getSteps()).isEqualTo(6);
    assertThat(events.get(0).getWallTimeMs())
        .as("the job really outlasted max.poll.interval.ms")
        .isGreaterThan(2L * interval);
  }

  @Test
  void aFullDeadLetterBufferPausesTheDomainUntilSentAndEachIsSentOncePerGroup(
      KafkaStackFixture stack) throws Exception {
    String domain = "cons-dl";
    String topic = TopicNames.images(domain);
    String dlq = TopicNames.deadLetter(topic);
    String group = "cons-dl-group";
    ServiceFixtures.ingest(stack, tmp, domain, 500, 564); // 64 images
    long poisonAt = end(stack, topic);
    byte[] junk = new byte[600]; // not our wire format; a letter of it is over 600 bytes
    java.util.Arrays.fill(junk, (byte) 'j');
    ServiceFixtures.sendRaw(stack, topic, domain, junk);
    ServiceFixtures.sendRaw(stack, topic, domain, junk);
    ServiceFixtures.ingest(stack, tmp, domain, 564, 628); // 64 more, behind the poison
    // A dead-letter topic that refuses every letter, so the letters cannot drain. (Not below a
    // transaction marker's size, ~80 bytes: a broker cannot write the marker then and fails.)
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(new NewTopic(dlq, 1, (short) 1).configs(Map.of("max.message.bytes", "300"))))
          .all()
          .get();
    }
    Map<String, Object> client = ServiceFixtures.clientConfig(stack);
    client.put("max.poll.records", 1); // record by record: the pause shows in what was taken in
    ConsumptionLimits limits = new ConsumptionLimits(2, 1L << 20, Duration.ofMillis(200), 10);
    // No job: the letters must go out on their own.
    DomainPolicy policy = ServiceFixtures.tinyPolicy(4, 0);
    TrainerConfig config =
        ServiceFixtures.config(group, "it", tmp.resolve("s"), domain, true, policy);

    TrainerService first = new TrainerService(config, client).withConsumptionLimits(limits);
    new Thread(first::run, "trainer-cons-dl-1").start();
    try {
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> domainHealth(first, domain).path("paused").asBoolean());
      JsonNode paused = domainHealth(first, domain);
      assertThat(paused.path("deadLettersPending").asInt()).as("%s", paused).isEqualTo(2);
      assertThat(paused.path("offered").asLong())
          .as("nothing behind the poison was taken in: %s", paused)
          .isEqualTo(64);
      assertThat(ServiceFixtures.raw(stack, dlq)).isEmpty();
      assertThat(metrics(first)).contains("hpt_trainer_partitions_paused_total 1.0");

      // The dead-letter topic takes them now: they are sent, the domain resumes, nothing is lost.
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
        Map<ConfigResource, Collection<AlterConfigOp>> change =
            Map.of(
                new ConfigResource(ConfigResource.Type.TOPIC, dlq),
                List.of(
                    new AlterConfigOp(
                        new ConfigEntry("max.message.bytes", "1048576"),
                        AlterConfigOp.OpType.SET)));
        admin.incrementalAlterConfigs(change).all().get();
      }
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () -> {
                JsonNode d = domainHealth(first, domain);
                return !d.path("paused").asBoolean() && d.path("offered").asLong() == 128;
              });
      JsonNode resumed = domainHealth(first, domain);
      assertThat(resumed.path("sample").asInt()).as("%s", resumed).isEqualTo(128);
      assertThat(resumed.path("deadLettersPending").asInt()).isZero();
    } finally {
      first.stop();
      assertThat(first.awaitStopped(Duration.ofMinutes(2))).isTrue();
    }
    assertThat(deadLetterOffsets(stack, dlq)).containsExactly(poisonAt, poisonAt + 1);
    OffsetAndMetadata mark =
        ServiceFixtures.committed(stack, group).get(new TopicPartition(topic, 0));
    assertThat(DeadLetterBuffer.parse(mark.metadata())).isEqualTo(poisonAt + 2);

    // The group reads the whole log again after a restart: no letter is sent twice.
    TrainerService second = new TrainerService(config, client).withConsumptionLimits(limits);
    new Thread(second::run, "trainer-cons-dl-2").start();
    try {
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () -> {
                JsonNode d = domainHealth(second, domain);
                return d.path("rebuilt").asBoolean() && d.path("offered").asLong() == 128;
              });
    } finally {
      second.stop();
      assertThat(second.awaitStopped(Duration.ofMinutes(2))).isTrue();
    }
    // Group-less reads (evaluation splits, the demo) report the bad records and send nothing.
    ImageTopicReader reader = new ImageTopicReader(ServiceFixtures.clientConfig(stack));
    for (int i = 0; i < 2; i++) {
      ImageTopicReader.Result r = reader.read(domain, ImageTopicReader.Options.all());
      assertThat(r.size()).isEqualTo(128);
      assertThat(r.rejected()).isEqualTo(2);
      assertThat(r.rejections()).hasSize(2);
    }
    assertThat(deadLetterOffsets(stack, dlq)).containsExactly(poisonAt, poisonAt + 1);
  }

  private static List<Long> deadLetterOffsets(KafkaStackFixture stack, String dlq) {
    AvroDeserializer<DeadLetter> values = AvroDeserializer.specific(null, DeadLetter.class);
    values.configure(ServiceFixtures.clientConfig(stack), false);
    return ServiceFixtures.raw(stack, dlq).stream()
        .map(r -> values.deserialize(dlq, r.value()).getOffset())
        .toList();
  }

  private static long end(KafkaStackFixture stack, String topic) {
    return new ImageTopicReader(ServiceFixtures.clientConfig(stack))
        .currentRanges(topic, Duration.ofSeconds(30))
        .get(new TopicPartition(topic, 0))[1];
  }

  static JsonNode health(TrainerService s) throws Exception {
    return JSON.readTree(get(s, "/health")).path("detail");
  }

  static JsonNode domainHealth(TrainerService s, String domain) throws Exception {
    return health(s).path("domains").path(domain);
  }

  static String metrics(TrainerService s) throws Exception {
    return get(s, "/metrics");
  }

  private static String get(TrainerService s, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
