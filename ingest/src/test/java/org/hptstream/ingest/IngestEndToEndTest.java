package org.hptstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hptstream.data.ImageSet;
import org.hptstream.schemas.EncodedImage;
import org.hptstream.schemas.Image;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.schemas.ImageFormat;
import org.hptstream.schemas.RawPixels;
import org.hptstream.schemas.Split;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Fashion-MNIST through the real broker and registry, read back and checked image by image.
 */
@ExtendWith(TestStackExtension.class)
class IngestEndToEndTest {
  @TempDir Path tmp;

  @Test
  void fashionMnistSliceWithLabelsArrivesCompleteAndRerunsGiveTheSameIds(KafkaStackFixture stack)
      throws Exception {
    int n = 600;
    Path[] idx = TestData.idxSlice(tmp, n, n);
    IngestConfig config =
        IngestConfig.of("fashion-e2e", List.of(idx[0]))
            .withLabels(idx[1])
            .withSplit(Split.TRAIN)
            .withMaxBatchBytes(100_000);
    IngestResult result =
        new Ingestor(TestData.clientConfig(stack)).run(config, IngestListener.NONE);

    assertThat(result.success()).as(result.summary()).isTrue();
    assertThat(result.topic()).isEqualTo("hpt.images.fashion-e2e");
    assertThat(result.imagesAcknowledged()).isEqualTo(n);
    assertThat(result.acknowledged()).hasSizeGreaterThan(4); // 600 x ~880 bytes in 100 kB batches

    List<ConsumerRecord<String, ImageBatch>> records = TestData.readAll(stack, result.topic());
    assertThat(records).hasSize(result.acknowledged().size());
    ImageSet truth = TestData.fashionTrain();
    List<Image> images = new ArrayList<>();
    Set<String> batchIds = new HashSet<>();
    for (ConsumerRecord<String, ImageBatch> r : records) {
      assertThat(r.key()).isEqualTo("fashion-e2e");
      assertThat(r.serializedValueSize()).isLessThanOrEqualTo(100_000);
      ImageBatch b = r.value();
      assertThat(b.getDomain()).isEqualTo("fashion-e2e");
      assertThat(b.getSplit()).isEqualTo(Split.TRAIN);
      assertThat(batchIds.add(b.getBatchId())).isTrue();
      images.addAll(b.getImages());
    }
    assertThat(images).hasSize(n);
    for (int i = 0; i < n; i++) {
      Image img = images.get(i);
      RawPixels px = (RawPixels) img.getContent();
      assertThat(List.of(px.getChannels(), px.getHeight(), px.getWidth()))
          .containsExactly(1, 28, 28);
      byte[] pixels = new byte[px.getPixels().remaining()];
      px.getPixels().get(pixels);
      assertThat(pixels).isEqualTo(truth.image(i));
      assertThat(img.getLabel()).isEqualTo(truth.label(i));
      assertThat(img.getSource()).isEqualTo("slice-images-idx3-ubyte.gz#" + i);
      assertThat(img.getId())
          .isEqualTo(
              sha256(ByteBuffer.allocate(12).putInt(1).putInt(28).putInt(28).array(), pixels));
    }

    // A re-run sends the same content: the same batch ids, recognisable downstream as duplicates.
    IngestResult again =
        new Ingestor(TestData.clientConfig(stack)).run(config, IngestListener.NONE);
    assertThat(again.success()).isTrue();
    assertThat(again.acknowledged().stream().map(BatchReport::batchId).toList())
        .isEqualTo(result.acknowledged().stream().map(BatchReport::batchId).toList());
  }

  @Test
  void folderOfPngAndJpegIsSentByteForByte(KafkaStackFixture stack) throws Exception {
    Path root = tmp.resolve("scans");
    for (int i = 0; i < 30; i++) {
      TestData.writeImage(
          root.resolve((i % 2 == 0 ? "a" : "b") + "/img" + i + ".png"), i, 2, "png");
    }
    TestData.writeImage(root.resolve("b/photo.jpg"), 99, 4, "jpeg");
    IngestResult result =
        new Ingestor(TestData.clientConfig(stack))
            .run(IngestConfig.of("xray-site-b", List.of(root)), IngestListener.NONE);
    assertThat(result.success()).as(result.summary()).isTrue();
    assertThat(result.imagesAcknowledged()).isEqualTo(31);

    List<Image> images = new ArrayList<>();
    TestData.readAll(stack, "hpt.images.xray-site-b")
        .forEach(r -> images.addAll(r.value().getImages()));
    assertThat(images).hasSize(31);
    for (Image img : images) {
      Path file = root.getParent().resolve(img.getSource());
      byte[] expected = Files.readAllBytes(file);
      EncodedImage enc = (EncodedImage) img.getContent();
      byte[] actual = new byte[enc.getData().remaining()];
      enc.getData().get(actual);
      assertThat(actual).as(img.getSource()).isEqualTo(expected);
      assertThat(enc.getFormat())
          .isEqualTo(img.getSource().endsWith(".jpg") ? ImageFormat.JPEG : ImageFormat.PNG);
      assertThat(img.getId()).isEqualTo(sha256(expected));
      assertThat(img.getLabel()).isNull();
    }
  }

  static String sha256(byte[]... parts) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (byte[] p : parts) {
      md.update(p);
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
