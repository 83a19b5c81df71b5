package org.hptstream.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/** What a topic holds, read back by tests: every committed record, without a consumer group. */
public final class TopicContents {
  private TopicContents() {}

  /**
   * Every committed record of {@code topic} from the beginning to its end offsets at the time of
   * the call ({@code read_committed}: aborted and open transactions are not seen); none when the
   * topic does not exist.
   */
  public static <K, V> List<ConsumerRecord<K, V>> read(
      KafkaStackFixture stack, String topic, Deserializer<K> keys, Deserializer<V> values) {
    return read(Map.of("bootstrap.servers", stack.bootstrapServers()), topic, keys, values);
  }

  /**
   * Like {@link #read(KafkaStackFixture, String, Deserializer, Deserializer)} on a cluster that
   * needs client settings (TLS, SASL): {@code clientConfig} includes {@code bootstrap.servers}.
   */
  public static <K, V> List<ConsumerRecord<K, V>> read(
      Map<String, ?> clientConfig, String topic, Deserializer<K> keys, Deserializer<V> values) {
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put("isolation.level", "read_committed");
    List<ConsumerRecord<K, V>> out = new ArrayList<>();
    try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(c, keys, values)) {
      var infos = consumer.listTopics(Duration.ofSeconds(10)).get(topic);
      if (infos == null) {
        return out;
      }
      List<TopicPartition> parts =
          infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline
          && parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** {@link #read} of raw key and value bytes (e.g. a dead-letter topic). */
  public static List<ConsumerRecord<byte[], byte[]>> readRaw(
      KafkaStackFixture stack, String topic) {
    return read(stack, topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
