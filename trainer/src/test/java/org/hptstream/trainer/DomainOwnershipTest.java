package org.hptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hptstream.trainer.ServiceFixtures.events;
import static org.hptstream.trainer.TrainerConsumptionTest.health;
import static org.hptstream.trainer.TrainerConsumptionTest.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hptstream.clients.AvroPublisher;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.hptstream.data.Sha256;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.Image;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.schemas.OffsetRange;
import org.hptstream.schemas.RawPixels;
import org.hptstream.schemas.Split;
import org.hptstream.schemas.Strategy;
import org.hptstream.schemas.TrainingRequest;
import org.hptstream.serde.AvroSerializer;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.hptstream.topics.TopicAdmin;
import org.hptstream.topics.TopicNames;
import org.hptstream.topics.TopicSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on one group, a domain whose topic has 3 partitions filled under different keys:
 * one instance holds all three, only it trains the domain, and a request for it is served there.
 */
@ExtendWith(TestStackExtension.class)
class DomainOwnershipTest {
  private static final String MULTI = "own-multi";
  private static final String SINGLE = "own-single";

  @TempDir Path tmp;

  @Test
  void allPartitionsOfADomainLandOnOneInstanceWhichServesItsRequests(KafkaStackFixture stack)
      throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      new TopicAdmin(admin).ensure(TopicSpec.images(MULTI, 3));
    }
    int perPartition = spread(stack, MULTI, 3, 24);
    ServiceFixtures.ingest(stack, tmp, SINGLE, 700, 764);

    Path store = tmp.resolve("shared-checkpoints");
    DomainPolicy onRequest = ServiceFixtures.tinyPolicy(3, 0); // no job unless requested
    TrainerService a = start(stack, store, "a", onRequest);
    TrainerService b = start(stack, store, "b", onRequest);
    try {
      // One domain each (domains are spread by count), both rebuilt.
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> rebuilt(a) + rebuilt(b) == 2 && held(a).size() == 1);
      TrainerService owner = held(a).has(MULTI) ? a : b;
      TrainerService other = owner == a ? b : a;
      JsonNode mine = held(owner).path(MULTI);
      assertThat(mine.path("partitions").asInt()).as("%s", mine).isEqualTo(3);
      assertThat(mine.path("offered").asLong()).isEqualTo(3L * perPartition);
      assertThat(held(other).has(MULTI)).as("%s", held(other)).isFalse();
      assertThat(held(other).has(SINGLE)).isTrue();

      try (AvroPublisher<TrainingRequest> requests =
          new AvroPublisher<>(
              ServiceFixtures.clientConfig(stack),
              TopicSpec.events(TopicNames.TRAINING_REQUESTS))) {
        requests.publish(
            MULTI,
            TrainingRequest.newBuilder()
                .setDomain(MULTI)
                .setStrategy(Strategy.TARGET)
                .setSteps(3)
                .setRequestedBy("test")
                .setRequestedAt(Instant.now())
                .setRequestId("own-req-1")
                .build());
      }
      await().atMost(Duration.ofMinutes(3)).until(() -> events(stack, MULTI).size() >= 1);
      // Announced by the owner, which also announces its own metric; the other trained nothing.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> metrics(owner).contains("hpt_trainer_jobs_announced_total 1.0"));
      assertThat(metrics(other)).contains("hpt_trainer_jobs_announced_total 0.0");
      assertThat(held(other).has(MULTI)).isFalse();
    } finally {
      a.stop();
      b.stop();
      assertThat(a.awaitStopped(Duration.ofMinutes(2))).isTrue();
      assertThat(b.awaitStopped(Duration.ofMinutes(2))).isTrue();
    }
    List<CheckpointEvent> events = events(stack, MULTI);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getRequestId()).isEqualTo("own-req-1");
    String topic = TopicNames.images(MULTI);
    assertThat(events.get(0).getProvenance())
        .as("the job's input is every partition of the domain")
        .containsExactly(
            new OffsetRange(topic, 0, 0L, (long) perPartition / 4),
            new OffsetRange(topic, 1, 0L, (long) perPartition / 4),
            new OffsetRange(topic, 2, 0L, (long) perPartition / 4));
    assertThat(events(stack, SINGLE)).isEmpty();
  }

  /**
   * Writes {@code partitions x imagesPerPartition} Fashion-MNIST images, 4 per record, each record
   * under its own key and sent to partition {@code record % partitions}.
   *
   * @return images per partition
   */
  private static int spread(
      KafkaStackFixture stack, String domain, int partitions, int imagesPerPartition)
      throws Exception {
    ImageSet set = FashionMnist.test();
    Map<String, Object> c = new HashMap<>(ServiceFixtures.clientConfig(stack));
    AvroSerializer<ImageBatch> values = new AvroSerializer<>();
    values.configure(c, false);
    String topic = TopicNames.images(domain);
    try (KafkaProducer<String, ImageBatch> p =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()),
            new StringSerializer(),
            values)) {
      int records = partitions * imagesPerPartition / 4;
      for (int r = 0; r < records; r++) {
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          byte[] px = set.image(800 + r * 4 + i);
          images.add(
              new Image(
                  Sha256.of(px),
                  new RawPixels(1, set.height(), set.width(), ByteBuffer.wrap(px)),
                  null,
                  "fashion-test#" + (800 + r * 4 + i)));
        }
        ImageBatch batch =
            new ImageBatch(domain, Split.UNLABELED, "b" + r, "test", Instant.now(), images);
        p.send(new ProducerRecord<>(topic, r % partitions, "key-" + r, batch)).get();
      }
    }
    return imagesPerPartition;
  }

  private static TrainerService start(
      KafkaStackFixture stack, Path store, String instance, DomainPolicy policy) throws Exception {
    TrainerService s =
        new TrainerService(
            ServiceFixtures.config(
                "own-group", instance, store, "own-(multi|single)", true, policy),
            ServiceFixtures.clientConfig(stack));
    new Thread(s::run, "trainer-own-" + instance).start();
    return s;
  }

  private static JsonNode held(TrainerService s) throws Exception {
    return health(s).path("domains");
  }

  private static int rebuilt(TrainerService s) throws Exception {
    int n = 0;
    for (JsonNode d : held(s)) {
      n += d.path("rebuilt").asBoolean() ? 1 : 0;
    }
    return n;
  }
}
