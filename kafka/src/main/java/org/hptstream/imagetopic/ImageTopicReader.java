package org.hptstream.imagetopic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.hptstream.data.DecodedImage;
import org.hptstream.data.ImageLimits;
import org.hptstream.data.ImageSet;
import org.hptstream.data.ImageSets;
import org.hptstream.data.InvalidImageDataException;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.schemas.Image;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.schemas.OffsetRange;
import org.hptstream.schemas.Split;
import org.hptstream.serde.AvroDeserializer;
import org.hptstream.topics.TopicNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a domain's image topic back into an in-memory {@link ImageSet}: the other end of {@link
 * Ingestor}, used by pretraining and evaluation. Reads every partition from the given start offsets
 * (or the beginning) up to the end offsets seen when the read starts, so the result is a fixed,
 * reproducible snapshot whose offset ranges become a checkpoint's data provenance.
 *
 * <p>A record that cannot be decoded (bad wire format, unknown schema, corrupt image, more pixels
 * than the limit) is skipped, counted and reported in the {@link Result} (and logged), and the read
 * goes on. This reader has no consumer group, so it writes no dead letters: reads that re-read a
 * topic (evaluation splits, the demo) would send the same record again on every read. Dead letters
 * are written once per consumer group, by the service that commits the group's offsets, in the same
 * transaction (the trainer service). Images already seen (same content id, e.g. from a re-run
 * ingest) are skipped.
 */
public final class ImageTopicReader {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Logger LOG = LoggerFactory.getLogger(ImageTopicReader.class);

  /** Rejection reasons kept in a {@link Result}: the count goes on past them. */
  public static final int MAX_REASONS = 100;

  private final Map<String, Object> clientConfig;
  private final ImageLimits limits;

  /**
   * @param clientConfig Kafka client settings plus the schema registry keys
   */
  public ImageTopicReader(Map<String, Object> clientConfig) {
    this(clientConfig, ImageLimits.DEFAULT);
  }

  /**
   * @param clientConfig Kafka client settings plus the schema registry keys
   * @param limits the largest image accepted, checked from the header before decoding
   */
  public ImageTopicReader(Map<String, Object> clientConfig, ImageLimits limits) {
    this.clientConfig = Map.copyOf(clientConfig);
    this.limits = limits;
  }

  /**
   * What to read.
   *
   * @param split only images of this split, or null for all
   * @param size resize every image to {@code size x size}, or null to keep the first image's size
   * @param fromOffsets start offset per partition (e.g. where the last checkpoint stopped); a
   *     partition not named starts at the beginning
   * @param timeout give up when the end offsets are not reached in this time
   */
  public record Options(
      Split split, Integer size, Map<TopicPartition, Long> fromOffsets, Duration timeout) {
    public static Options all() {
      return new Options(null, null, Map.of(), Duration.ofMinutes(2));
    }

    public Options withSplit(Split s) {
      return new Options(s, size, fromOffsets, timeout);
    }

    public Options withSize(Integer s) {
      return new Options(split, s, fromOffsets, timeout);
    }

    public Options withFromOffsets(Map<TopicPartition, Long> offsets) {
      return new Options(split, size, Map.copyOf(offsets), timeout);
    }
  }

  /**
   * The images read.
   *
   * @param images the images (labelled when every image read carries a label), or null when none
   * @param provenance offsets {@code [start, end)} read per partition
   * @param duplicates images skipped because their content id was already read
   * @param rejected records skipped because they cannot be used (not dead-lettered: see the class)
   * @param rejections {@code <topic>-<partition>@<offset>: <reason>} of the first {@value
   *     #MAX_REASONS} rejected records
   */
  public record Result(
      ImageSet images,
      List<OffsetRange> provenance,
      int duplicates,
      int rejected,
      List<String> rejections) {
    public int size() {
      return images == null ? 0 : images.size();
    }
  }

  /** Reads domain {@code domain}'s topic {@code hpt.images.<domain>}. */
  public Result read(String domain, Options options) throws InterruptedException {
    String topic = TopicNames.images(domain);
    SchemaRegistryClient registry = SchemaRegistryClient.fromConfigs(clientConfig);
    AvroDeserializer<ImageBatch> deserializer =
        AvroDeserializer.specific(registry, ImageBatch.class);
    deserializer.configure(clientConfig, false);

    List<DecodedImage> images = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<OffsetRange> provenance = new ArrayList<>();
    int[] duplicates = {0};
    List<String> rejections = new ArrayList<>();
    int[] rejected = {0};
    boolean[] allLabelled = {true};

    try {
      Map<TopicPartition, long[]> all = currentRanges(topic, options.timeout());
      if (all.isEmpty()) {
        throw new IllegalArgumentException(
            "no topic " + topic + ": nothing was ingested for domain " + domain);
      }
      Map<TopicPartition, long[]> ranges = new HashMap<>();
      all.forEach(
          (tp, r) -> {
            long from = Math.max(r[0], options.fromOffsets().getOrDefault(tp, r[0]));
            ranges.put(tp, new long[] {from, r[1]});
            provenance.add(new OffsetRange(topic, tp.partition(), from, r[1]));
          });
      provenance.sort(java.util.Comparator.comparingInt(OffsetRange::getPartition));
      scan(
          ranges,
          options.timeout(),
          rec -> {
            try {
              ImageBatch batch = deserializer.deserialize(rec.topic(), rec.value());
              if (batch == null) {
                throw new IllegalArgumentException("empty record value");
              }
              if (options.split() != null && batch.getSplit() != options.split()) {
                return;
              }
              List<DecodedImage> decoded = ImageRecords.decodeAll(batch, limits);
              for (int i = 0; i < decoded.size(); i++) {
                Image img = batch.getImages().get(i);
                if (!seen.add(img.getId())) {
                  duplicates[0]++;
                  continue;
                }
                images.add(decoded.get(i));
                sources.add(img.getSource());
                labels.add(img.getLabel());
                allLabelled[0] &= img.getLabel() != null;
              }
            } catch (RuntimeException | InvalidImageDataException e) {
              if (rejected[0]++ < MAX_REASONS) {
                rejections.add(
                    rec.topic()
                        + "-"
                        + rec.partition()
                        + "@"
                        + rec.offset()
                        + ": "
                        + ImageRecords.deadLetter(rec, e).getErrorMessage());
              }
            }
          });
    } finally {
      deserializer.close();
    }
    if (rejected[0] > 0) {
      LOG.warn(
          "{}: {} record(s) cannot be used and were skipped, e.g. {}",
          topic,
          rejected[0],
          rejections.get(0));
    }
    if (images.isEmpty()) {
      return new Result(null, provenance, duplicates[0], rejected[0], List.copyOf(rejections));
    }
    int[] labelArray =
        allLabelled[0] ? labels.stream().mapToInt(Integer::intValue).toArray() : null;
    try {
      return new Result(
          ImageSets.assemble(images, sources, labelArray, options.size()),
          provenance,
          duplicates[0],
          rejected[0],
          List.copyOf(rejections));
    } catch (InvalidImageDataException e) {
      throw new IllegalArgumentException(
          "images of domain "
              + domain
              + " differ in size: read them with a target size. "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The offsets {@code {beginning, end}} of every partition of {@code topic} now; empty when the
   * topic does not exist.
   */
  public Map<TopicPartition, long[]> currentRanges(String topic, Duration timeout) {
    try (Consumer<byte[], byte[]> consumer = newConsumer()) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        return Map.of();
      }
      List<TopicPartition> parts =
          infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts, timeout);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
      Map<TopicPartition, long[]> out = new HashMap<>();
      parts.forEach(tp -> out.put(tp, new long[] {begin.get(tp), end.get(tp)}));
      return out;
    }
  }

  /**
   * Hands every committed record of the given partitions with an offset in {@code [from, to)} to
   * {@code visitor}, partition by partition in offset order (a fixed input: the same ranges give
   * the same records). Reads without a consumer group and commits nothing.
   *
   * @param ranges {@code {from, to}} per partition
   * @throws IllegalStateException when the ranges are not read within {@code timeout}
   */
  public void scan(
      Map<TopicPartition, long[]> ranges,
      Duration timeout,
      java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> visitor)
      throws InterruptedException {
    try (Consumer<byte[], byte[]> consumer = newConsumer()) {
      List<TopicPartition> parts = List.copyOf(ranges.keySet());
      consumer.assign(parts);
      // Retention may have deleted the start of a range: read what remains.
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts, timeout);
      Set<TopicPartition> open = new HashSet<>();
      for (TopicPartition tp : parts) {
        long from = Math.max(ranges.get(tp)[0], begin.get(tp));
        consumer.seek(tp, from);
        if (from < ranges.get(tp)[1]) {
          open.add(tp);
        }
      }
      consumer.pause(parts.stream().filter(tp -> !open.contains(tp)).toList());
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!open.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "timed out reading partitions " + open + " to their end offsets");
        }
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(POLL)) {
          TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
          if (rec.offset() < ranges.get(tp)[1]) {
            visitor.accept(rec);
          }
        }
        for (TopicPartition tp : List.copyOf(open)) {
          if (consumer.position(tp) >= ranges.get(tp)[1]) {
            open.remove(tp);
            consumer.pause(List.of(tp));
          }
        }
      }
    }
  }

  private Consumer<byte[], byte[]> newConsumer() {
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign(), no group: a snapshot read commits nothing
    return new KafkaConsumer<>(c);
  }
}
