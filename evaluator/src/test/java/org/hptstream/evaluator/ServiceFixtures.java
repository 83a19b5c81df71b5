package org.hptstream.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.clients.AvroPublisher;
import org.hptstream.clients.ClientConfigs;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.hptstream.pretrain.PretrainCommand;
import org.hptstream.pretrain.events.CheckpointEvents;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.DeadLetter;
import org.hptstream.schemas.Image;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.schemas.RawPixels;
import org.hptstream.schemas.Split;
import org.hptstream.serde.AvroDeserializer;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.topics.TopicNames;
import org.hptstream.topics.TopicSpec;
import picocli.CommandLine;

/** Real checkpoints, labelled image topics and topic reads for the service's tests. */
final class ServiceFixtures {
  private ServiceFixtures() {}

  static Map<String, Object> clients(KafkaStackFixture stack) {
    Map<String, Object> c = new HashMap<>();
    c.put("bootstrap.servers", stack.bootstrapServers());
    c.put("schema.registry.url", stack.schemaRegistryUrl());
    c.put("specific.avro.reader", "true");
    return c;
  }

  /** A small test config: linear (30 steps) + kNN (k 20) + health, one thread, any free port. */
  static EvaluatorServiceConfig config(Path store, String group, String instance) {
    return new EvaluatorServiceConfig(
        store,
        group,
        instance,
        List.of("linear", "knn", "health"),
        "cpu",
        30,
        20,
        1,
        "127.0.0.1",
        0,
        true,
        store.resolve(".state-" + instance),
        8,
        1);
  }

  /** The same settings with other protocols and without the leaderboard. */
  static EvaluatorServiceConfig withProtocols(EvaluatorServiceConfig c, List<String> protocols) {
    return new EvaluatorServiceConfig(
        c.checkpointStore(),
        c.groupId(),
        c.instanceId(),
        protocols,
        c.profile(),
        c.probeSteps(),
        c.knnK(),
        c.threads(),
        c.httpBind(),
        c.httpPort(),
        false,
        c.stateDir(),
        c.featureCacheEntries(),
        c.growthCheckSeconds());
  }

  /**
   * {@code hpt pretrain} (MoCo v2, cpu-small profile) for {@code steps} steps on 400 Fashion-MNIST
   * images; returns the new checkpoint's id.
   */
  static String pretrain(Path store, String domain, String strategy, String parent, int steps)
      throws Exception {
    java.util.Set<String> before = ids(store);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--strategy",
                strategy,
                "--data",
                FashionMnist.trainImages().toString(),
                "--out",
                store.toString(),
                "--steps",
                Integer.toString(steps),
                "--limit",
                "400",
                "--domain",
                domain,
                "--no-progress"));
    if (parent != null) {
      args.addAll(List.of("--parent", store.resolve(parent).toString()));
    }
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new PretrainCommand());
    cmd.setErr(new PrintWriter(err, true));
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    assertThat(cmd.execute(args.toArray(String[]::new))).as(err.toString()).isEqualTo(0);
    java.util.Set<String> after = ids(store);
    after.removeAll(before);
    return after.stream()
        .filter(id -> manifest(store, id).strategy() != null)
        .max(java.util.Comparator.comparingLong(id -> manifest(store, id).steps()))
        .orElseThrow();
  }

  static java.util.Set<String> ids(Path store) throws Exception {
    java.util.Set<String> out = new java.util.HashSet<>();
    if (!Files.isDirectory(store)) {
      return out;
    }
    try (var dirs = Files.list(store)) {
      dirs.filter(d -> Files.isRegularFile(d.resolve("manifest.json")))
          .forEach(d -> out.add(d.getFileName().toString()));
    }
    return out;
  }

  static CheckpointManifest manifest(Path store, String id) {
    return new LocalCheckpointStore(store).manifest(id).orElseThrow();
  }

  /** The checkpoint event the trainer would publish. */
  static CheckpointEvent event(Path store, String id) {
    CheckpointEvent e =
        CheckpointEvents.of(manifest(store, id), store.resolve(id), List.of(), 1000);
    e.setJobId("job-" + id.substring(0, 8));
    return e;
  }

  /** Labelled train and test images of {@code domain} (either may be null) as raw-pixel batches. */
  static void ingestLabelled(
      Map<String, Object> clients, String domain, ImageSet train, ImageSet test) {
    try (AvroPublisher<ImageBatch> p = new AvroPublisher<>(clients, TopicSpec.images(domain, 1))) {
      if (train != null) {
        publish(p, domain, Split.TRAIN, train);
      }
      if (test != null) {
        publish(p, domain, Split.TEST, test);
      }
    }
  }

  /** Unlabelled images of {@code domain} (what the trainer trains on). */
  static void ingestUnlabelled(Map<String, Object> clients, String domain, ImageSet images) {
    try (AvroPublisher<ImageBatch> p = new AvroPublisher<>(clients, TopicSpec.images(domain, 1))) {
      publish(p, domain, Split.UNLABELED, images);
    }
  }

  private static void publish(AvroPublisher<ImageBatch> p, String domain, Split split, ImageSet s) {
    boolean labelled = split != Split.UNLABELED;
    for (int from = 0; from < s.size(); from += 100) {
      List<Image> images = new ArrayList<>();
      for (int i = from; i < Math.min(s.size(), from + 100); i++) {
        images.add(
            Image.newBuilder()
                .setId(split + "-" + UUID.randomUUID())
                .setContent(
                    new RawPixels(s.channels(), s.height(), s.width(), ByteBuffer.wrap(s.image(i))))
                .setLabel(labelled ? s.label(i) : null)
                .setSource("fmnist#" + i)
                .build());
      }
      p.publish(
          domain,
          ImageBatch.newBuilder()
              .setDomain(domain)
              .setSplit(split)
              .setBatchId(UUID.randomUUID().toString())
              .setProducerId("test")
              .setCreatedAt(Instant.now())
              .setImages(images)
              .build());
    }
  }

  /** Every committed metric event of {@code domain}. */
  static List<MetricEvent> metrics(Map<String, Object> clients, String domain) {
    AvroDeserializer<MetricEvent> d =
        AvroDeserializer.specific(SchemaRegistryClient.fromConfigs(clients), MetricEvent.class);
    d.configure(clients, false);
    List<MetricEvent> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : read(clients, TopicNames.METRICS)) {
      MetricEvent m = d.deserialize(r.topic(), r.value());
      if (m.getDomain().equals(domain)) {
        out.add(m);
      }
    }
    return out;
  }

  /** Every committed dead letter of the checkpoint topic keyed by {@code domain}. */
  static List<DeadLetter> deadLetters(Map<String, Object> clients, String domain) {
    AvroDeserializer<DeadLetter> d =
        AvroDeserializer.specific(SchemaRegistryClient.fromConfigs(clients), DeadLetter.class);
    d.configure(clients, false);
    List<DeadLetter> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r :
        read(clients, TopicNames.deadLetter(TopicNames.CHECKPOINTS))) {
      if (domain.equals(r.key())) {
        out.add(d.deserialize(r.topic(), r.value()));
      }
    }
    return out;
  }

  static List<ConsumerRecord<String, byte[]>> read(Map<String, Object> clients, String topic) {
    Map<String, Object> c = new HashMap<>(ClientConfigs.kafkaOnly(clients));
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
      return TopicReads.readAll(consumer, topic);
    }
  }

  static AvroPublisher<CheckpointEvent> checkpoints(Map<String, Object> clients) {
    return new AvroPublisher<>(clients, CheckpointEvents.TOPIC);
  }

  /**
   * Commits the group's offsets at the current end of the checkpoint topic (every partition), so a
   * service of that group sees only what the test publishes next (other tests share the topic).
   */
  static void startGroupAtEnd(Map<String, Object> clients, String group) throws Exception {
    EvaluatorService.ensureTopics(clients);
    try (Admin admin = Admin.create(ClientConfigs.kafkaOnly(clients))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(List.of(TopicNames.CHECKPOINTS))
          .allTopicNames()
          .get()
          .get(TopicNames.CHECKPOINTS)
          .partitions()
          .forEach(
              p ->
                  latest.put(
                      new TopicPartition(TopicNames.CHECKPOINTS, p.partition()),
                      OffsetSpec.latest()));
      Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get()
          .forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
      admin.alterConsumerGroupOffsets(group, ends).all().get();
    }
  }
}
