package org.hptstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hptstream.schemas.Image;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.serde.AvroDeserializer;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.SecuredBroker;
import org.hptstream.testkit.TestStackExtension;
import org.hptstream.testkit.TopicContents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hpt ingest} against a broker process secured as production clusters are (SASL_SSL,
 * SCRAM-SHA-512, ACLs, nothing allowed without one), with the client settings in a {@code
 * --kafka-config} file. A principal with the documented ACLs ingests; one without WRITE, and one
 * without any ACL, get a one-line error naming the topic and the missing permission, in seconds
 * (the timeouts only guard against a hang).
 */
@ExtendWith(TestStackExtension.class)
class SecuredBrokerTest {
  /** Topics of this class start with this prefix; ACLs are granted on it. */
  private static final String PREFIX = "hpt.images.secured-";

  @TempDir static Path tmp;
  private static SecuredBroker broker;
  private static Path images;

  @BeforeAll
  static void start() throws Exception {
    broker = SecuredBroker.start(tmp.resolve("broker"), List.of("ingester", "reader", "nobody"));
    images = tmp.resolve("images");
    for (int i = 0; i < 12; i++) {
      TestData.writeImage(images.resolve("img-" + i + ".png"), i, 1, "png");
    }
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void ingestsWithTheDocumentedAcls(KafkaStackFixture stack) {
    broker.allow(
        "ingester",
        ResourceType.TOPIC,
        PREFIX,
        PatternType.PREFIXED,
        AclOperation.CREATE,
        AclOperation.DESCRIBE,
        AclOperation.DESCRIBE_CONFIGS,
        AclOperation.WRITE);

    TestData.CommandRun run = ingest("ingester", "secured-ok", stack);

    assertThat(run.exit()).as(run.stderr()).isZero();
    assertThat(run.stderr()).contains("ingested 12 images").doesNotContain(password("ingester"));
    List<ConsumerRecord<String, ImageBatch>> records = readAll(PREFIX + "ok", stack);
    Set<String> ids = new HashSet<>();
    records.forEach(r -> r.value().getImages().forEach((Image i) -> ids.add(i.getId())));
    assertThat(ids).hasSize(12);
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aPrincipalWithoutWriteIsToldWhichTopicAndPermission(KafkaStackFixture stack) {
    broker.allow(
        "reader",
        ResourceType.TOPIC,
        PREFIX,
        PatternType.PREFIXED,
        AclOperation.CREATE,
        AclOperation.DESCRIBE,
        AclOperation.DESCRIBE_CONFIGS,
        AclOperation.READ);

    TestData.CommandRun run = ingest("reader", "secured-nowrite", stack);

    assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
    assertThat(run.stderr())
        .contains("not authorized: the principal needs WRITE on topic " + PREFIX + "nowrite")
        .contains("PARTIALLY ingested 0 images")
        .doesNotContain(password("reader"));
    assertThat(readAll(PREFIX + "nowrite", stack)).isEmpty();
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aPrincipalWithoutAnyAclIsToldBeforeSending(KafkaStackFixture stack) {
    TestData.CommandRun run = ingest("nobody", "secured-none", stack);

    assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
    assertThat(run.stderr())
        .contains(
            "failed before sending anything: cannot create topic "
                + PREFIX
                + "none: not authorized: the principal needs CREATE on topic "
                + PREFIX
                + "none")
        .doesNotContain(password("nobody"));
  }

  /** {@code hpt ingest} in this JVM with the user's settings in a --kafka-config file. */
  private static TestData.CommandRun ingest(String user, String domain, KafkaStackFixture stack) {
    Path config = broker.writeClientConfig(user, tmp.resolve(user + ".properties"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "--domain",
                domain,
                "--no-progress",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--schema-registry-url",
                stack.schemaRegistryUrl(),
                "--kafka-config",
                config.toString(),
                images.toString()));
    TestData.CommandRun run = TestData.ingestCommand(args.toArray(String[]::new));
    System.out.printf("hpt ingest as %s: exit %d%n%s", user, run.exit(), run.stderr());
    return run;
  }

  private static String password(String user) {
    return broker.password(user);
  }

  private static List<ConsumerRecord<String, ImageBatch>> readAll(
      String topic, KafkaStackFixture stack) {
    Map<String, String> admin = broker.clientConfig(SecuredBroker.ADMIN);
    AvroDeserializer<ImageBatch> values = new AvroDeserializer<>();
    values.configure(
        Map.of("schema.registry.url", stack.schemaRegistryUrl(), "specific.avro.reader", "true"),
        false);
    return TopicContents.read(admin, topic, new StringDeserializer(), values);
  }
}
