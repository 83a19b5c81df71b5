package org.hptstream.clients;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.serde.AvroSerializer;
import org.hptstream.topics.TopicAdmin;
import org.hptstream.topics.TopicSpec;

/**
 * Publishes events (checkpoint, metric, control) to one topic: creates the topic on first use,
 * idempotent acks=all producer, and {@link #publish} returns only once the broker acknowledged, so
 * an event is never reported as published when it was not.
 */
public final class AvroPublisher<T extends SpecificRecord> implements AutoCloseable {
  private final String topic;
  private final Producer<String, T> producer;

  /**
   * @param clientConfig Kafka client settings plus the schema registry keys
   */
  public AvroPublisher(Map<String, Object> clientConfig, TopicSpec topic) {
    this.topic = topic.name();
    try (Admin admin = Admin.create(ClientConfigs.kafkaOnly(clientConfig))) {
      new TopicAdmin(admin).ensure(topic);
    }
    Map<String, Object> p = new HashMap<>(clientConfig);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    AvroSerializer<T> serializer =
        new AvroSerializer<>(SchemaRegistryClient.fromConfigs(clientConfig));
    serializer.configure(clientConfig, false);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), serializer);
  }

  /** Sends one event and waits for the broker's acknowledgement. */
  public RecordMetadata publish(String key, T event) {
    try {
      return producer.send(new ProducerRecord<>(topic, key, event)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing to " + topic, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not publish to " + topic + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  public String topic() {
    return topic;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
