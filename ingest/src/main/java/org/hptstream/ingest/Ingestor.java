package org.hptstream.ingest;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hptstream.clients.ClientConfigs;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.schemas.EncodedImage;
import org.hptstream.schemas.Image;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.schemas.RawPixels;
import org.hptstream.serde.AvroSerdeConfig;
import org.hptstream.serde.AvroSerializer;
import org.hptstream.serde.WireFormat;
import org.hptstream.topics.TopicAdmin;
import org.hptstream.topics.TopicNames;
import org.hptstream.topics.TopicSpec;

/**
 * Ingests images into {@code hpt.images.<domain>} as {@link ImageBatch} records: validates all
 * input first, creates the topic if needed, cuts batches to the size limits read from the cluster,
 * and sends them with an idempotent, acks=all producer. Usable without the CLI.
 */
public final class Ingestor {
  /** Default target size of one batch record; larger images go alone, up to the topic's limit. */
  public static final int DEFAULT_BATCH_BYTES = 1 << 20;

  private final Map<String, Object> clientConfig;

  /**
   * @param clientConfig Kafka client settings (bootstrap.servers, security...) plus the schema
   *     registry keys ({@code schema.registry.url}, ...)
   */
  public Ingestor(Map<String, Object> clientConfig) {
    this.clientConfig = Map.copyOf(clientConfig);
  }

  /**
   * Runs one ingest.
   *
   * @throws InvalidInputException when the input is bad; nothing was sent then
   */
  public IngestResult run(IngestConfig config, IngestListener listener)
      throws InvalidInputException {
    long t0 = System.nanoTime();
    SourcePlanner.Plan plan = SourcePlanner.plan(config, listener);
    long validated = System.nanoTime();
    String topic = TopicNames.images(config.domain());

    Map<String, Object> producerConfig = producerConfig(config);
    SchemaRegistryClient registry = SchemaRegistryClient.fromConfigs(producerConfig);
    checkSchema(registry, producerConfig, topic);
    MessageLimits limits;
    try (Admin admin = Admin.create(ClientConfigs.kafkaOnly(clientConfig))) {
      TopicSpec spec = TopicSpec.images(config.domain(), config.partitions());
      new TopicAdmin(admin).ensure(spec);
      int requestSize =
          Integer.parseInt(producerConfig.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG).toString());
      limits = MessageLimits.read(admin, topic, requestSize, config.compression());
    }
    if (!clientConfig.containsKey(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)) {
      // Let the topic's limit, not the producer's 1 MiB default, decide the largest record.
      int requestSize = limits.topicMaxMessageBytes();
      producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, requestSize);
      limits =
          new MessageLimits(
              limits.topicMaxMessageBytes(),
              limits.brokerMessageMaxBytes(),
              requestSize,
              limits.compression());
    }
    String producerId = config.producerId() != null ? config.producerId() : defaultProducerId();
    List<List<ImageItem>> batches = cut(plan.images(), config, limits, producerId);

    long imageBytes = plan.totalBytes();
    listener.onSendStarted(topic, plan.images().size(), imageBytes, batches.size(), limits);
    long s0 = System.nanoTime();
    List<BatchReport> notSent = new ArrayList<>();
    BatchSender sender;
    try (Producer<String, ImageBatch> producer = newProducer(producerConfig, registry)) {
      sender = new BatchSender(producer, topic, listener);
      for (int i = 0; i < batches.size(); i++) {
        List<ImageItem> items = batches.get(i);
        BatchReport planned = report(i, config, items);
        if (sender.failedAlready()) {
          notSent.add(planned);
          continue;
        }
        ImageBatch batch;
        try {
          batch = build(config, producerId, items);
        } catch (IOException e) {
          sender.fail(planned, e);
          continue;
        }
        sender.send(batch, planned);
        if (i == 0) {
          // First batch alone: a new producer id's first sequence must land before others pile up
          // behind it (a retried first batch behind acknowledged later ones stalls idempotence).
          sender.flush();
        }
      }
      sender.flush();
    }
    long end = System.nanoTime();
    return new IngestResult(
        topic,
        limits,
        sender.acknowledged(),
        sender.failed(),
        notSent,
        plan.skipped(),
        end - t0,
        validated - t0,
        end - s0);
  }

  /** Greedy cut in input order; an image too large for any batch is an input error. */
  private static List<List<ImageItem>> cut(
      List<ImageItem> images, IngestConfig config, MessageLimits limits, String producerId)
      throws InvalidInputException {
    int overhead = batchOverhead(config.domain(), producerId);
    int hardMax = limits.maxValueBytes();
    int target =
        Math.min(
            hardMax, config.maxBatchBytes() > 0 ? config.maxBatchBytes() : DEFAULT_BATCH_BYTES);
    List<String> tooLarge = new ArrayList<>();
    for (ImageItem item : images) {
      if (item.encodedSizeBound() + overhead > hardMax) {
        tooLarge.add(
            item.source()
                + ": image of "
                + item.encodedSizeBound()
                + " bytes (with framing) does not fit in one record: "
                + limits
                + "; raise the topic's max.message.bytes (and max.request.size)");
        if (tooLarge.size() >= SourcePlanner.MAX_PROBLEMS) {
          break;
        }
      }
    }
    if (!tooLarge.isEmpty()) {
      throw new InvalidInputException(tooLarge);
    }
    List<List<ImageItem>> batches = new ArrayList<>();
    List<ImageItem> current = new ArrayList<>();
    long size = overhead;
    for (ImageItem item : images) {
      if (!current.isEmpty() && size + item.encodedSizeBound() > target) {
        batches.add(current);
        current = new ArrayList<>();
        size = overhead;
      }
      current.add(item);
      size += item.encodedSizeBound();
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  /** Fixed fields of a batch: domain, split, batch id, producer id, timestamp, array framing. */
  private static int batchOverhead(String domain, String producerId) {
    return 5 + domain.length() + 2 + 66 + 5 + 3 * producerId.length() + 10 + 20;
  }

  private static BatchReport report(int index, IngestConfig config, List<ImageItem> items) {
    List<String> ids = items.stream().map(ImageItem::id).toList();
    long bytes = 0;
    for (ImageItem item : items) {
      bytes +=
          item instanceof ImageItem.FileImage f
              ? f.size()
              : ((ImageItem.IdxImage) item).set().imageBytes();
    }
    return new BatchReport(
        index,
        ContentIds.ofBatch(config.domain(), config.split().name(), ids),
        items.size(),
        bytes,
        0,
        items.get(0).source(),
        items.get(items.size() - 1).source(),
        -1,
        -1);
  }

  /** Builds the record; files are re-read and must still match their validated content id. */
  static ImageBatch build(IngestConfig config, String producerId, List<ImageItem> items)
      throws IOException {
    List<Image> images = new ArrayList<>(items.size());
    List<String> ids = new ArrayList<>(items.size());
    for (ImageItem item : items) {
      Object content;
      Integer label = null;
      if (item instanceof ImageItem.FileImage f) {
        byte[] bytes = Files.readAllBytes(f.path());
        if (bytes.length != f.size() || !ContentIds.ofEncoded(bytes).equals(f.id())) {
          throw new IOException(f.path() + " changed after validation; not sent");
        }
        content = new EncodedImage(f.format(), ByteBuffer.wrap(bytes));
      } else {
        ImageItem.IdxImage x = (ImageItem.IdxImage) item;
        int n = x.set().imageBytes();
        // A view into the set's pixels: no copy (ImageSet's array is immutable by contract).
        content =
            new RawPixels(
                x.set().channels(),
                x.set().height(),
                x.set().width(),
                ByteBuffer.wrap(x.set().pixels(), x.index() * n, n).slice());
        label = x.label();
      }
      images.add(new Image(item.id(), content, label, item.source()));
      ids.add(item.id());
    }
    return new ImageBatch(
        config.domain(),
        config.split(),
        ContentIds.ofBatch(config.domain(), config.split().name(), ids),
        producerId,
        Instant.now(),
        images);
  }

  private Map<String, Object> producerConfig(IngestConfig config) {
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression());
    c.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    c.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "hpt-ingest");
    c.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1 << 20);
    return c;
  }

  /**
   * Producer of ImageBatch records with our Avro serializer; registry keys are read from the
   * config.
   */
  public static Producer<String, ImageBatch> newProducer(Map<String, Object> producerConfig) {
    return newProducer(producerConfig, SchemaRegistryClient.fromConfigs(producerConfig));
  }

  private static Producer<String, ImageBatch> newProducer(
      Map<String, Object> producerConfig, SchemaRegistryClient registry) {
    AvroSerializer<ImageBatch> values = new AvroSerializer<>(registry);
    values.configure(producerConfig, false);
    return new KafkaProducer<>(
        ClientConfigs.kafkaOnly(producerConfig), new StringSerializer(), values);
  }

  /**
   * Registers (or with auto.register.schemas=false looks up) the ImageBatch schema before anything
   * is sent, so an unreachable registry or an incompatible schema fails the run up front.
   */
  private static void checkSchema(
      SchemaRegistryClient registry, Map<String, Object> config, String topic) {
    String subject = WireFormat.subject(topic, false);
    if (AvroSerdeConfig.fromConfigs(config).autoRegister()) {
      registry.register(subject, ImageBatch.getClassSchema());
    } else {
      registry.lookup(subject, ImageBatch.getClassSchema());
    }
  }

  private static String defaultProducerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return "hpt-ingest@" + host;
  }
}
