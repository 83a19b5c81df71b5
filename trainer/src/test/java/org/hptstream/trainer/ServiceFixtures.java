package org.hptstream.trainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.hptstream.ingest.IngestConfig;
import org.hptstream.ingest.IngestListener;
import org.hptstream.ingest.IngestResult;
import org.hptstream.ingest.Ingestor;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.PromotionDecision;
import org.hptstream.serde.AvroDeserializer;
import org.hptstream.testkit.KafkaStackFixture;

/** Real data in, committed events out: what the service tests share. */
final class ServiceFixtures {
  private ServiceFixtures() {}

  static Map<String, Object> clientConfig(KafkaStackFixture stack) {
    Map<String, Object> c = new HashMap<>();
    c.put("bootstrap.servers", stack.bootstrapServers());
    c.put("schema.registry.url", stack.schemaRegistryUrl());
    return c;
  }

  /** Fashion-MNIST test images {@code [from, to)} as an IDX file. */
  static Path idx(Path dir, int from, int to) throws Exception {
    ImageSet set = FashionMnist.test();
    Path file = dir.resolve("images-" + from + "-" + to + "-idx3-ubyte");
    try (var out = new java.io.DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(0x00000803);
      out.writeInt(to - from);
      out.writeInt(set.height());
      out.writeInt(set.width());
      out.write(set.pixels(), from * set.imageBytes(), (to - from) * set.imageBytes());
    }
    return file;
  }

  /** Ingests images {@code [from, to)} into {@code domain}, in records of about 8 kB. */
  static IngestResult ingest(KafkaStackFixture stack, Path dir, String domain, int from, int to)
      throws Exception {
    IngestResult r =
        new Ingestor(clientConfig(stack))
            .run(
                IngestConfig.of(domain, List.of(idx(dir, from, to))).withMaxBatchBytes(8_000),
                IngestListener.NONE);
    if (!r.success()) {
      throw new IllegalStateException(r.summary());
    }
    return r;
  }

  /** Sends raw bytes to a topic (poison records). */
  static void sendRaw(KafkaStackFixture stack, String topic, String key, byte[] value)
      throws Exception {
    Map<String, Object> c = new HashMap<>();
    c.put("bootstrap.servers", stack.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer())) {
      p.send(new ProducerRecord<>(topic, key.getBytes(), value)).get();
    }
  }

  /** Committed FINAL checkpoint events of {@code domain} (read_committed, from the beginning). */
  static List<CheckpointEvent> events(KafkaStackFixture stack, String domain) {
    return allEvents(stack, domain).stream()
        .filter(e -> e.getKind() == org.hptstream.schemas.CheckpointKind.FINAL)
        .toList();
  }

  /** Committed checkpoint events of {@code domain}, FINAL and PERIODIC. */
  static List<CheckpointEvent> allEvents(KafkaStackFixture stack, String domain) {
    AvroDeserializer<CheckpointEvent> values = new AvroDeserializer<>();
    Map<String, Object> c = clientConfig(stack);
    c.put("specific.avro.reader", "true");
    values.configure(c, false);
    List<CheckpointEvent> out = new ArrayList<>();
    for (ConsumerRecord<String, CheckpointEvent> r :
        readCommitted(stack, "hpt.checkpoints", new StringDeserializer(), values)) {
      if (domain.equals(r.key())) {
        out.add(r.value());
      }
    }
    return out;
  }

  /** Committed promotion decisions of {@code domain}. */
  static List<PromotionDecision> decisions(KafkaStackFixture stack, String domain) {
    AvroDeserializer<PromotionDecision> values = new AvroDeserializer<>();
    Map<String, Object> c = clientConfig(stack);
    c.put("specific.avro.reader", "true");
    values.configure(c, false);
    List<PromotionDecision> out = new ArrayList<>();
    for (ConsumerRecord<String, PromotionDecision> r :
        readCommitted(stack, "hpt.promotions", new StringDeserializer(), values)) {
      if (domain.equals(r.key())) {
        out.add(r.value());
      }
    }
    return out;
  }

  /** Raw committed records of a topic (none when it does not exist). */
  static List<ConsumerRecord<byte[], byte[]>> raw(KafkaStackFixture stack, String topic) {
    return readCommitted(stack, topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static <K, V> List<ConsumerRecord<K, V>> readCommitted(
      KafkaStackFixture stack, String topic, Deserializer<K> keys, Deserializer<V> values) {
    return org.hptstream.testkit.TopicContents.read(stack, topic, keys, values);
  }

  /** The group's committed offsets of a topic's partitions. */
  static Map<TopicPartition, OffsetAndMetadata> committed(KafkaStackFixture stack, String group)
      throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }
  }

  /** A tiny but real policy: ResNet-18 of width 16 at 16 px, batch 16, a few steps. */
  static DomainPolicy tinyPolicy(long steps, long everyImages) {
    return new DomainPolicy(
        "target",
        "none",
        "cpu-small",
        steps,
        everyImages,
        0.0,
        false,
        256,
        7L,
        16,
        128,
        16,
        steps, // only the final checkpoint: fewer writes
        null,
        512,
        0.02);
  }

  /** The service on one domain (other tests' topics live in the same broker). */
  static TrainerConfig config(String group, Path checkpoints, String domain, DomainPolicy policy) {
    return config(group, "it", checkpoints, java.util.regex.Pattern.quote(domain), false, policy);
  }

  /**
   * Instance {@code instance} of {@code group} on the domains matching {@code domainPattern}, with
   * {@code /health} and {@code /metrics} on a free port when {@code http}.
   */
  static TrainerConfig config(
      String group,
      String instance,
      Path checkpoints,
      String domainPattern,
      boolean http,
      DomainPolicy policy) {
    return new TrainerConfig(
        group,
        instance,
        checkpoints,
        null,
        1,
        null,
        "cpu",
        http ? 0 : -1,
        1_000L,
        domainPattern,
        policy,
        Map.of());
  }

  static Set<String> jobIds(List<CheckpointEvent> events) {
    return new java.util.HashSet<>(events.stream().map(CheckpointEvent::getJobId).toList());
  }
}
