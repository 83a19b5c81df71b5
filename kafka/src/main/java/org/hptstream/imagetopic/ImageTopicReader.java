package org.hptstream.imagetopic;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hptstream.data.DecodedImage;
import org.hptstream.data.ImageDecoder;
import org.hptstream.data.ImageFormat;
import org.hptstream.data.ImageLimits;
import org.hptstream.data.ImageSet;
import org.hptstream.data.ImageSets;
import org.hptstream.data.InvalidImageDataException;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.schemas.DeadLetter;
import org.hptstream.schemas.EncodedImage;
import org.hptstream.schemas.Image;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.schemas.OffsetRange;
import org.hptstream.schemas.RawPixels;
import org.hptstream.schemas.Split;
import org.hptstream.serde.AvroDeserializer;
import org.hptstream.serde.AvroSerializer;
import org.hptstream.topics.TopicAdmin;
import org.hptstream.topics.TopicNames;
import org.hptstream.topics.TopicSpec;

/**
 * Reads a domain's image topic back into an in-memory {@link ImageSet}: the other end of {@link
 * Ingestor}, used by pretraining and evaluation. Reads every partition from the given start offsets
 * (or the beginning) up to the end offsets seen when the read starts, so the result is a fixed,
 * reproducible snapshot whose offset ranges become a checkpoint's data provenance.
 *
 * <p>A record that cannot be decoded (bad wire format, corrupt image) goes to the topic's
 * dead-letter topic byte for byte and the read goes on; images already seen (same content id, e.g.
 * from a re-run ingest) are skipped.
 */
public final class ImageTopicReader {
  private static final Duration POLL = Duration.ofMillis(200);

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
   * @param limits pixel cap checked from each image's header before decoding; an image beyond it
   *     dead-letters its record
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
   * @param deadLettered records sent to the dead-letter topic
   */
  public record Result(
      ImageSet images, List<OffsetRange> provenance, int duplicates, int deadLettered) {
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
    int duplicates = 0;
    int deadLettered = 0;
    boolean allLabelled = true;

    try (Consumer<byte[], byte[]> consumer = newConsumer();
        DeadLetters dlq = new DeadLetters(topic)) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, options.timeout());
      if (infos == null || infos.isEmpty()) {
        throw new IllegalArgumentException(
            "no topic " + topic + ": nothing was ingested for domain " + domain);
      }
      List<TopicPartition> parts =
          infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, options.timeout());
      Map<TopicPartition, Long> start =
          new HashMap<>(consumer.beginningOffsets(parts, options.timeout()));
      options.fromOffsets().forEach((tp, off) -> start.merge(tp, off, Math::max));
      Set<TopicPartition> open = new HashSet<>();
      for (TopicPartition tp : parts) {
        consumer.seek(tp, start.get(tp));
        provenance.add(new OffsetRange(topic, tp.partition(), start.get(tp), end.get(tp)));
        if (start.get(tp) < end.get(tp)) {
          open.add(tp);
        }
      }
      consumer.pause(parts.stream().filter(tp -> !open.contains(tp)).toList());
      long deadline = System.nanoTime() + options.timeout().toNanos();
      while (!open.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "timed out reading " + topic + ": partitions " + open + " not read to their end");
        }
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(POLL)) {
          TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
          if (rec.offset() >= end.get(tp)) {
            continue;
          }
          try {
            ImageBatch batch = deserializer.deserialize(rec.topic(), rec.value());
            if (batch == null) {
              throw new IllegalArgumentException("empty record value");
            }
            if (options.split() != null && batch.getSplit() != options.split()) {
              continue;
            }
            List<DecodedImage> decoded = new ArrayList<>();
            for (Image img : batch.getImages()) {
              decoded.add(decode(img));
            }
            // Only a fully decodable batch counts: a half-used record is harder to reason about.
            for (int i = 0; i < decoded.size(); i++) {
              Image img = batch.getImages().get(i);
              if (!seen.add(img.getId())) {
                duplicates++;
                continue;
              }
              images.add(decoded.get(i));
              sources.add(img.getSource());
              labels.add(img.getLabel());
              allLabelled &= img.getLabel() != null;
            }
          } catch (RuntimeException | InvalidImageDataException e) {
            dlq.send(rec, e);
            deadLettered++;
          }
        }
        for (TopicPartition tp : List.copyOf(open)) {
          if (consumer.position(tp) >= end.get(tp)) {
            open.remove(tp);
            consumer.pause(List.of(tp));
          }
        }
      }
    } finally {
      deserializer.close();
    }
    if (images.isEmpty()) {
      return new Result(null, provenance, duplicates, deadLettered);
    }
    int[] labelArray = allLabelled ? labels.stream().mapToInt(Integer::intValue).toArray() : null;
    try {
      return new Result(
          ImageSets.assemble(images, sources, labelArray, options.size()),
          provenance,
          duplicates,
          deadLettered);
    } catch (InvalidImageDataException e) {
      throw new IllegalArgumentException(
          "images of domain "
              + domain
              + " differ in size: read them with a target size. "
              + e.getMessage(),
          e);
    }
  }

  private DecodedImage decode(Image img) throws InvalidImageDataException {
    Object content = img.getContent();
    if (content instanceof RawPixels raw) {
      limits.check(raw.getWidth(), raw.getHeight(), img.getSource());
      byte[] px = bytes(raw.getPixels());
      if (raw.getChannels() != 1 && raw.getChannels() != 3) {
        throw new InvalidImageDataException(
            img.getSource(), "raw pixels with " + raw.getChannels() + " channels");
      }
      try {
        return new DecodedImage(raw.getChannels(), raw.getHeight(), raw.getWidth(), px, null);
      } catch (IllegalArgumentException e) {
        throw new InvalidImageDataException(img.getSource(), e.getMessage());
      }
    }
    EncodedImage enc = (EncodedImage) content;
    DecodedImage d = ImageDecoder.decode(bytes(enc.getData()), img.getSource(), limits);
    if (d.format() != ImageFormat.valueOf(enc.getFormat().name())) {
      throw new InvalidImageDataException(
          img.getSource(), "declared " + enc.getFormat() + " but is " + d.format());
    }
    return d;
  }

  private static byte[] bytes(java.nio.ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
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

  /** Lazily created producer of {@link DeadLetter}s to {@code <topic>.dlq}. */
  private final class DeadLetters implements AutoCloseable {
    private final String source;
    private Producer<String, DeadLetter> producer;

    DeadLetters(String source) {
      this.source = source;
    }

    void send(ConsumerRecord<byte[], byte[]> rec, Exception error) {
      String dlqTopic = TopicNames.deadLetter(source);
      if (producer == null) {
        try (Admin admin = Admin.create(clientConfig)) {
          TopicAdmin topics = new TopicAdmin(admin);
          topics.ensure(TopicSpec.deadLetter(source, topics.maxMessageBytes(source)));
        }
        Map<String, Object> p = new HashMap<>(clientConfig);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
        SchemaRegistryClient registry = SchemaRegistryClient.fromConfigs(clientConfig);
        AvroSerializer<DeadLetter> ser = new AvroSerializer<>(registry);
        ser.configure(clientConfig, false);
        producer = new KafkaProducer<>(p, new StringSerializer(), ser);
      }
      DeadLetter dl =
          DeadLetter.newBuilder()
              .setTopic(rec.topic())
              .setPartition(rec.partition())
              .setOffset(rec.offset())
              .setKey(rec.key() == null ? null : java.nio.ByteBuffer.wrap(rec.key()))
              .setValue(rec.value() == null ? null : java.nio.ByteBuffer.wrap(rec.value()))
              .setErrorClass(error.getClass().getName())
              .setErrorMessage(String.valueOf(error.getMessage()))
              .setTimestamp(Instant.now())
              .build();
      String key =
          rec.key() == null ? null : new String(rec.key(), java.nio.charset.StandardCharsets.UTF_8);
      try {
        producer.send(new ProducerRecord<>(dlqTopic, key, dl)).get();
      } catch (Exception e) {
        // Losing the bad record silently is worse than stopping: the caller sees the failure.
        throw new IllegalStateException(
            "could not dead-letter "
                + rec.topic()
                + "-"
                + rec.partition()
                + "@"
                + rec.offset()
                + " to "
                + dlqTopic
                + ": "
                + e.getMessage(),
            e);
      }
    }

    @Override
    public void close() {
      if (producer != null) {
        producer.close(Duration.ofSeconds(10));
      }
    }
  }
}
