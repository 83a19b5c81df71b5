package org.hptstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hptstream.data.ImageLimits;
import org.hptstream.imagetopic.ImageTopicReader;
import org.hptstream.schemas.EncodedImage;
import org.hptstream.schemas.Image;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.schemas.ImageFormat;
import org.hptstream.schemas.RawPixels;
import org.hptstream.schemas.Split;
import org.hptstream.serde.AvroSerializer;
import org.hptstream.testkit.CraftedFiles;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images that declare 50,000 x 50,000 pixels in a few hundred bytes: refused by {@code hpt ingest}
 * before anything is sent, refused by the consumer (reported by a group-less read; the trainer
 * service's group dead-letters them), never decoded. One pixel cap for both.
 */
@ExtendWith(TestStackExtension.class)
class HostileImagesTest {
  @TempDir Path tmp;

  @Test
  void ingestRefusesThemFromTheHeaderAndSendsNothing(KafkaStackFixture stack) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("crafted"));
    TestData.writeImage(root.resolve("ok.png"), 0, 1, "png");
    Files.write(root.resolve("bomb.png"), CraftedFiles.png(50_000, 50_000));
    Files.write(root.resolve("bomb.jpg"), CraftedFiles.jpeg(50_000, 50_000));
    IngestConfig config = IngestConfig.of("hostile-ingest", List.of(root));
    assertThatThrownBy(
            () -> new Ingestor(TestData.clientConfig(stack)).run(config, IngestListener.NONE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(root.resolve("bomb.png") + ": image declares 50000x50000 pixels")
        .hasMessageContaining(root.resolve("bomb.jpg") + ": image declares 50000x50000 pixels")
        .hasMessageContaining("refused before decoding");
    assertThat(TestData.readAll(stack, "hpt.images.hostile-ingest")).isEmpty();

    // The cap is an option: a 28x28 image passes 784 and is refused at 783.
    Files.delete(root.resolve("bomb.png"));
    Files.delete(root.resolve("bomb.jpg"));
    assertThatThrownBy(
            () ->
                new Ingestor(TestData.clientConfig(stack))
                    .run(config.withImageLimits(new ImageLimits(783)), IngestListener.NONE))
        .hasMessageContaining("more than the limit of 783");
    assertThat(
            new Ingestor(TestData.clientConfig(stack))
                .run(config.withImageLimits(new ImageLimits(784)), IngestListener.NONE)
                .success())
        .isTrue();
  }

  @Test
  void theConsumerDeadLettersThemWithoutDecoding(KafkaStackFixture stack) throws Exception {
    Map<String, Object> client = TestData.clientConfig(stack);
    String topic = "hpt.images.hostile-read";
    byte[] ok = CraftedFiles.image(6, 5, "png");
    List<ImageBatch> batches =
        List.of(
            batch("1", encoded("ok", ImageFormat.PNG, ok)),
            batch("2", encoded("bomb.png", ImageFormat.PNG, CraftedFiles.png(50_000, 50_000))),
            batch("3", encoded("bomb.jpg", ImageFormat.JPEG, CraftedFiles.jpeg(50_000, 50_000))),
            batch(
                "4",
                new Image(
                    "raw",
                    new RawPixels(1, 50_000, 50_000, ByteBuffer.wrap(new byte[16])),
                    null,
                    "raw-bomb")),
            batch("5", encoded("big", ImageFormat.PNG, CraftedFiles.image(40, 40, "png"))));
    AvroSerializer<ImageBatch> ser = new AvroSerializer<>();
    ser.configure(client, false);
    try (KafkaProducer<String, ImageBatch> p =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()),
            new StringSerializer(),
            ser)) {
      for (ImageBatch b : batches) {
        p.send(new ProducerRecord<>(topic, "hostile-read", b)).get();
      }
    }
    // The consumer's cap: 40x40 is over it, 6x5 under.
    ImageTopicReader.Result r =
        new ImageTopicReader(client, new ImageLimits(1_000))
            .read("hostile-read", ImageTopicReader.Options.all());
    assertThat(r.size()).isEqualTo(1);
    assertThat(r.images().width()).isEqualTo(6);
    assertThat(r.rejected()).isEqualTo(4);
    assertThat(TestData.readAllRaw(stack, topic + ".dlq")).isEmpty();
    List<String> errors =
        r.rejections().stream().map(e -> e.substring(e.indexOf(": ") + 2)).toList();
    assertThat(errors)
        .containsExactly(
            "bomb.png: image declares 50000x50000 pixels, more than the limit of 1000 (refused"
                + " before decoding)",
            "bomb.jpg: image declares 50000x50000 pixels, more than the limit of 1000 (refused"
                + " before decoding)",
            "raw-bomb: image declares 50000x50000 pixels, more than the limit of 1000 (refused"
                + " before decoding)",
            "big: image declares 40x40 pixels, more than the limit of 1000 (refused before"
                + " decoding)");
  }

  private static Image encoded(String source, ImageFormat format, byte[] data) {
    return new Image(source, new EncodedImage(format, ByteBuffer.wrap(data)), null, source);
  }

  private static ImageBatch batch(String id, Image image) {
    return new ImageBatch(
        "hostile-read", Split.UNLABELED, id, "test", Instant.now(), List.of(image));
  }
}
