package org.hptstream.views;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hptstream.clients.ClientConfigs;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.serde.AvroDeserializer;

/**
 * A group-less reader of one Avro topic from its beginning: {@link #poll} returns what arrived
 * since the last call; undecodable records are counted and skipped (a view must not die on one).
 */
final class TopicSnapshot<T extends SpecificRecord> implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroDeserializer<T> values;
  private final String topic;
  private List<TopicPartition> parts = List.of();
  private int undecodable;

  TopicSnapshot(Map<String, Object> clientConfig, String topic, Class<T> type) {
    Map<String, Object> c = new HashMap<>(ClientConfigs.kafkaOnly(clientConfig));
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    Map<String, Object> s = new HashMap<>(clientConfig);
    s.put("specific.avro.reader", "true");
    this.values = AvroDeserializer.specific(SchemaRegistryClient.fromConfigs(s), type);
    values.configure(s, false);
    this.topic = topic;
  }

  /** Records that arrived since the last call (the first call starts at the beginning). */
  List<ConsumerRecord<String, T>> poll(Duration wait) {
    if (parts.isEmpty()) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        return List.of();
      }
      parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
    }
    List<ConsumerRecord<String, T>> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : consumer.poll(wait)) {
      T v = null;
      if (r.value() != null) {
        try {
          v = values.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
          undecodable++;
          continue;
        }
      }
      out.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), v));
    }
    return out;
  }

  /** Everything up to the end offsets as of this call. */
  List<ConsumerRecord<String, T>> readToEnd() {
    List<ConsumerRecord<String, T>> out = new ArrayList<>(poll(Duration.ofMillis(100)));
    if (parts.isEmpty()) {
      return out;
    }
    Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out reading " + topic);
      }
      out.addAll(poll(Duration.ofMillis(200)));
    }
    return out;
  }

  int undecodable() {
    return undecodable;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
    values.close();
  }
}
