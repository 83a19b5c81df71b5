package org.hptstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.Strategy;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Serde against the real broker and the real Apicurio registry process. */
@ExtendWith(TestStackExtension.class)
class SerdeRoundTripTest {

  @Test
  void bytesOnTheWireAreMagicZeroThenTheRegistryIdThenAvro(KafkaStackFixture stack)
      throws Exception {
    String topic = "serde-wire";
    stack.createTopic(topic, 1);
    List<CheckpointEvent> sent =
        List.of(
            Events.checkpoint("c1", Strategy.HPT, 5000),
            Events.checkpoint("c2", Strategy.TARGET, 50_000));
    try (KafkaProducer<String, CheckpointEvent> producer = producer(stack)) {
      for (CheckpointEvent e : sent) {
        producer.send(new ProducerRecord<>(topic, e.getDomain(), e)).get();
      }
    }
    SchemaRegistryClient registry =
        SchemaRegistryClient.fromConfigs(Map.of("schema.registry.url", stack.schemaRegistryUrl()));
    int id = registry.lookup(topic + "-value", CheckpointEvent.getClassSchema());

    List<byte[]> raw = consume(stack, topic, 2, ByteArrayDeserializer.class);
    for (byte[] bytes : raw) {
      assertThat(bytes[0]).isEqualTo((byte) 0);
      assertThat(WireFormat.schemaId(bytes)).isEqualTo(id);
    }
    // The registry's copy of the schema decodes the bytes: specific and generic readers.
    AvroDeserializer<CheckpointEvent> specific =
        AvroDeserializer.specific(registry, CheckpointEvent.class);
    assertThat(specific.deserialize(topic, raw.get(0))).isEqualTo(sent.get(0));
    AvroDeserializer<GenericRecord> generic = new AvroDeserializer<>(registry, null);
    GenericRecord g = generic.deserialize(topic, raw.get(1));
    assertThat(g.get("checkpointId").toString()).isEqualTo("c2");
    assertThat(g.get("strategy").toString()).isEqualTo("TARGET");
  }

  @Test
  void clearErrorsForUnknownMagicByteUnknownIdAndRegistryDown(KafkaStackFixture stack) {
    AvroDeserializer<Object> d = new AvroDeserializer<>();
    d.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
    assertThatThrownBy(() -> d.deserialize("t", new byte[] {1, 0, 0, 0, 1, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown magic byte 1");
    assertThatThrownBy(() -> d.deserialize("t", new byte[] {0, 0, 0x0f, 0x42, 0x3f, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown schema id 999999");

    AvroSerializer<CheckpointEvent> down = new AvroSerializer<>();
    down.configure(
        Map.of(
            "schema.registry.url",
            "http://127.0.0.1:9/apis/ccompat/v7",
            "schema.registry.max.attempts",
            "2",
            "schema.registry.retry.backoff.ms",
            "10"),
        false);
    assertThatThrownBy(() -> down.serialize("t", Events.checkpoint("x", Strategy.HPT, 1)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema registry unreachable")
        .hasMessageContaining("http://127.0.0.1:9/apis/ccompat/v7/subjects/t-value/versions");
  }

  @Test
  void withoutAutoRegisterAnUnregisteredSchemaIsAClearError(KafkaStackFixture stack) {
    AvroSerializer<CheckpointEvent> s = new AvroSerializer<>();
    s.configure(
        Map.of("schema.registry.url", stack.schemaRegistryUrl(), "auto.register.schemas", "false"),
        false);
    assertThatThrownBy(
            () -> s.serialize("never-registered", Events.checkpoint("x", Strategy.HPT, 1)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("never-registered-value")
        .hasMessageContaining("not found");
  }

  static KafkaProducer<String, CheckpointEvent> producer(KafkaStackFixture stack) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class.getName());
    c.put("schema.registry.url", stack.schemaRegistryUrl());
    return new KafkaProducer<>(c);
  }

  static <V> List<V> consume(
      KafkaStackFixture stack, String topic, int count, Class<?> valueDeserializer) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic + "-" + System.nanoTime());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer.getName());
    c.put("schema.registry.url", stack.schemaRegistryUrl());
    c.put("specific.avro.reader", "true");
    List<V> out = new ArrayList<>();
    try (KafkaConsumer<byte[], V> consumer = new KafkaConsumer<>(c)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 30_000;
      while (out.size() < count && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], V> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(r.value());
        }
      }
    }
    assertThat(out).as("records read back from " + topic).hasSize(count);
    return out;
  }
}
