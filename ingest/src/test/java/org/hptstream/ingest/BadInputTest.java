package org.hptstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.hptstream.topics.TopicAdmin;
import org.hptstream.topics.TopicSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input is refused with a message naming it, before anything is sent. */
@ExtendWith(TestStackExtension.class)
class BadInputTest {
  @TempDir Path tmp;

  private void assertRefused(KafkaStackFixture stack, IngestConfig config, String... messageParts) {
    assertThatThrownBy(
            () -> new Ingestor(TestData.clientConfig(stack)).run(config, IngestListener.NONE))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e -> {
              for (String part : messageParts) {
                assertThat(e.getMessage()).contains(part);
              }
            });
    assertThat(TestData.readAll(stack, "hpt.images." + config.domain()))
        .as("nothing sent")
        .isEmpty();
  }

  @Test
  void missingAndUnreadableFiles(KafkaStackFixture stack) throws Exception {
    Path missing = tmp.resolve("nope");
    assertRefused(
        stack,
        IngestConfig.of("bad-missing", List.of(missing)),
        missing + ": no such file or directory");
    Path[] idx = TestData.idxSlice(tmp, 10, 10);
    Path labelsDir = Files.createDirectory(tmp.resolve("labels-dir"));
    assertRefused(
        stack,
        IngestConfig.of("bad-unreadable", List.of(idx[0])).withLabels(labelsDir),
        labelsDir + ": cannot read label file");
  }

  @Test
  void nonImageFileFailsUnlessSkipped(KafkaStackFixture stack) throws Exception {
    Path root = tmp.resolve("mixed");
    TestData.writeImage(root.resolve("ok.png"), 0, 1, "png");
    Files.writeString(root.resolve("notes.txt"), "not an image");
    assertRefused(
        stack,
        IngestConfig.of("bad-nonimage", List.of(root)),
        root.resolve("notes.txt") + ": not a PNG or JPEG image");

    IngestResult skipped =
        new Ingestor(TestData.clientConfig(stack))
            .run(
                IngestConfig.of("bad-nonimage-skip", List.of(root)).withSkipNonImages(true),
                IngestListener.NONE);
    assertThat(skipped.success()).isTrue();
    assertThat(skipped.imagesAcknowledged()).isEqualTo(1);
    assertThat(skipped.skipped()).containsExactly(root.resolve("notes.txt").toString());
  }

  @Test
  void corruptPngAndJpeg(KafkaStackFixture stack) throws Exception {
    Path root = tmp.resolve("corrupt");
    TestData.writeImage(root.resolve("good.png"), 0, 2, "png");
    TestData.writeImage(root.resolve("cut.png"), 1, 2, "png");
    TestData.writeImage(root.resolve("cut.jpg"), 2, 4, "jpeg");
    truncate(root.resolve("cut.png"));
    truncate(root.resolve("cut.jpg"));
    assertRefused(
        stack,
        IngestConfig.of("bad-corrupt", List.of(root)),
        "2 problems",
        root.resolve("cut.png") + ": corrupt PNG",
        root.resolve("cut.jpg") + ": corrupt JPEG");
  }

  @Test
  void labelCountMismatch(KafkaStackFixture stack) throws Exception {
    Path[] idx = TestData.idxSlice(tmp, 20, 19);
    assertRefused(
        stack,
        IngestConfig.of("bad-labels", List.of(idx[0])).withLabels(idx[1]),
        "has 19 labels but",
        "has 20 images");
  }

  @Test
  void imageLargerThanTheTopicLimit(KafkaStackFixture stack) throws Exception {
    String domain = "bad-too-large";
    try (Admin admin =
        Admin.create(Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()))) {
      new TopicAdmin(admin).ensure(TopicSpec.images(domain, 1).withMaxMessageBytes(40_000));
    }
    Path root = tmp.resolve("big");
    TestData.writeImage(root.resolve("small.png"), 0, 1, "png");
    TestData.writeNoisePng(root.resolve("noise.png"), 128); // ~49 kB, incompressible
    assertRefused(
        stack,
        IngestConfig.of(domain, List.of(root)),
        "big/noise.png: image of",
        "does not fit in one record",
        "topic max.message.bytes=40000");

    // Without the big one, batches are cut to the topic's limit (read from the broker), not ours.
    Files.delete(root.resolve("noise.png"));
    for (int i = 1; i < 40; i++) {
      TestData.writeImage(root.resolve("s" + i + ".png"), i, 4, "png"); // ~2-5 kB each
    }
    IngestResult ok =
        new Ingestor(TestData.clientConfig(stack))
            .run(
                IngestConfig.of(domain, List.of(root)).withMaxBatchBytes(10 << 20),
                IngestListener.NONE);
    assertThat(ok.success()).as(ok.summary()).isTrue();
    assertThat(ok.limits().topicMaxMessageBytes()).isEqualTo(40_000);
    assertThat(ok.acknowledged()).hasSizeGreaterThan(1);
    assertThat(ok.acknowledged())
        .allSatisfy(b -> assertThat(b.recordBytes()).isLessThanOrEqualTo(40_000));
  }

  @Test
  void invalidDomainNameFromTheCommandLine(KafkaStackFixture stack) throws Exception {
    Path[] idx = TestData.idxSlice(tmp, 5, 5);
    TestData.CommandRun run =
        TestData.ingestCommand(
            "--domain",
            "Xray/Site B",
            "--no-progress",
            "--bootstrap-servers",
            stack.bootstrapServers(),
            "--schema-registry-url",
            stack.schemaRegistryUrl(),
            idx[0].toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stderr()).contains("invalid domain name 'Xray/Site B'", "[a-z0-9]");
  }

  @Test
  void aFailureMidRunSaysExactlyWhichBatchesAreInKafkaAndARerunCompletes(KafkaStackFixture stack)
      throws Exception {
    Path root = tmp.resolve("midrun");
    for (int i = 0; i < 12; i++) {
      TestData.writeImage(root.resolve(String.format("%02d.png", i)), i, 4, "png");
    }
    Path victim = root.resolve("07.png");
    IngestConfig config = IngestConfig.of("midrun-failure", List.of(root)).withMaxBatchBytes(6_000);
    AtomicReference<String> topic = new AtomicReference<>();
    // The file changes between validation and sending: its batch must fail, and be reported.
    IngestListener changeFile =
        new IngestListener() {
          @Override
          public void onSendStarted(
              String t, int images, long bytes, int batches, MessageLimits limits) {
            topic.set(t);
            try {
              TestData.writeImage(victim, 50, 4, "png");
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        };
    IngestResult failed = new Ingestor(TestData.clientConfig(stack)).run(config, changeFile);
    assertThat(failed.success()).isFalse();
    assertThat(failed.failed()).hasSize(1);
    assertThat(failed.failed().get(0).error()).contains("07.png changed after validation");
    int failedIndex = failed.failed().get(0).batch().index();
    assertThat(failed.acknowledged())
        .isNotEmpty()
        .allSatisfy(b -> assertThat(b.index()).isLessThan(failedIndex));
    assertThat(failed.summary()).contains("PARTIALLY", "FAILED", "07.png");
    List<String> inKafka =
        TestData.readAll(stack, topic.get()).stream().map(r -> r.value().getBatchId()).toList();
    assertThat(inKafka)
        .isEqualTo(failed.acknowledged().stream().map(BatchReport::batchId).toList());

    IngestResult rerun =
        new Ingestor(TestData.clientConfig(stack)).run(config, IngestListener.NONE);
    assertThat(rerun.success()).isTrue();
    assertThat(rerun.imagesAcknowledged()).isEqualTo(12);
  }

  @Test
  void registryDownFailsBeforeAnythingIsSent(KafkaStackFixture stack) throws Exception {
    Path[] idx = TestData.idxSlice(tmp, 5, 5);
    Map<String, Object> config = TestData.clientConfig(stack);
    config.put("schema.registry.url", "http://127.0.0.1:9/apis/ccompat/v7");
    config.put("schema.registry.max.attempts", "2");
    assertThatThrownBy(
            () ->
                new Ingestor(config)
                    .run(IngestConfig.of("registry-down", List.of(idx[0])), IngestListener.NONE))
        .isInstanceOf(org.hptstream.registry.SchemaRegistryException.class)
        .hasMessageContaining("schema registry unreachable")
        .hasMessageContaining(
            "http://127.0.0.1:9/apis/ccompat/v7/subjects/hpt.images.registry-down-value/versions");
    assertThat(TestData.readAll(stack, "hpt.images.registry-down")).isEmpty();
  }

  private static void truncate(Path file) throws Exception {
    byte[] b = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(b, b.length / 2));
  }
}
