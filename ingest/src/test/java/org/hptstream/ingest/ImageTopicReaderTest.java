package org.hptstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.hptstream.data.ImageSet;
import org.hptstream.imagetopic.ImageTopicReader;
import org.hptstream.schemas.Split;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Ingest real Fashion-MNIST, read it back as an ImageSet through the real broker and registry. */
@ExtendWith(TestStackExtension.class)
class ImageTopicReaderTest {
  @TempDir Path tmp;

  @Test
  void readsBackWhatWasIngestedSkippingDuplicatesAndReportingJunk(KafkaStackFixture stack)
      throws Exception {
    Map<String, Object> client = TestData.clientConfig(stack);
    Path[] idx = TestData.idxSlice(tmp, 300, 300);
    IngestConfig config =
        IngestConfig.of("reader-fashion", List.of(idx[0]))
            .withLabels(idx[1])
            .withSplit(Split.TRAIN)
            .withMaxBatchBytes(64 * 1024);
    assertThat(new Ingestor(client).run(config, IngestListener.NONE).success()).isTrue();

    // Junk in the middle of the stream: not our wire format.
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      p.send(
              new ProducerRecord<>(
                  "hpt.images.reader-fashion", "reader-fashion".getBytes(), "junk".getBytes()))
          .get();
    }
    // A re-run of the same ingest: every image is a duplicate downstream.
    assertThat(new Ingestor(client).run(config, IngestListener.NONE).success()).isTrue();

    ImageTopicReader reader = new ImageTopicReader(client);
    ImageTopicReader.Result r = reader.read("reader-fashion", ImageTopicReader.Options.all());
    ImageSet want = TestData.fashionTrain().slice(0, 300);
    assertThat(r.size()).isEqualTo(300);
    assertThat(r.duplicates()).isEqualTo(300);
    assertThat(r.rejected()).isEqualTo(1);
    assertThat(r.rejections())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("hpt.images.reader-fashion-0@")
        .contains("magic byte");
    assertThat(r.images().pixels()).isEqualTo(want.pixels());
    assertThat(r.images().labels()).containsExactly(want.labels());
    assertThat(r.provenance()).hasSize(1);
    long end = r.provenance().get(0).getEndOffset();
    // No consumer group, so no dead letters: a re-read must not send the record again. The
    // trainer service's group dead-letters it, once (TrainerConsumptionTest).
    assertThat(reader.read("reader-fashion", ImageTopicReader.Options.all()).rejected())
        .isEqualTo(1);
    assertThat(TestData.readAllRaw(stack, "hpt.images.reader-fashion.dlq")).isEmpty();

    // Only another split: nothing. From the end offset on: nothing new.
    assertThat(
            reader
                .read("reader-fashion", ImageTopicReader.Options.all().withSplit(Split.TEST))
                .size())
        .isZero();
    ImageTopicReader.Result none =
        reader.read(
            "reader-fashion",
            ImageTopicReader.Options.all()
                .withFromOffsets(Map.of(new TopicPartition("hpt.images.reader-fashion", 0), end)));
    assertThat(none.size()).isZero();
    assertThat(none.provenance().get(0).getStartOffset()).isEqualTo(end);
    // Resized on read (28 -> 16), as a trainer at a smaller resolution would ask.
    ImageSet small =
        reader.read("reader-fashion", ImageTopicReader.Options.all().withSize(16)).images();
    assertThat(small.height()).isEqualTo(16);
    assertThat(Arrays.stream(small.labels()).max().getAsInt()).isEqualTo(9);
  }
}
