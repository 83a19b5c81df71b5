package org.hptstream.trainer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.serde.AvroSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CommitStep} as a Kafka transaction: {@code beginTransaction}, the records, {@code
 * sendOffsetsToTransaction(offsets, groupMetadata)}, {@code commitTransaction}. A transaction lasts
 * seconds (it is opened only once the checkpoint is on disk), far below the broker's cap. A fenced
 * producer (a newer instance with the same transactional id, or a stale epoch) is closed and
 * rebuilt, never retried: the rebuilt one re-initialises and fences any zombie in turn.
 */
public final class TransactionalCommitStep implements CommitStep {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionalCommitStep.class);

  private final Map<String, Object> producerConfig;
  private final SchemaRegistryClient registry;
  private final Map<String, Object> serdeConfig;
  private Producer<String, SpecificRecord> producer;

  /**
   * @param clientConfig Kafka client settings plus the schema registry keys
   * @param transactionalId this instance's stable transactional id
   */
  public TransactionalCommitStep(Map<String, Object> clientConfig, String transactionalId) {
    this.serdeConfig = Map.copyOf(clientConfig);
    this.producerConfig = new HashMap<>(clientConfig);
    producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 120_000);
    producerConfig.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
    this.registry = SchemaRegistryClient.fromConfigs(clientConfig);
    this.producer = newProducer();
  }

  private Producer<String, SpecificRecord> newProducer() {
    AvroSerializer<SpecificRecord> values = new AvroSerializer<>(registry);
    values.configure(serdeConfig, false);
    Producer<String, SpecificRecord> p =
        new KafkaProducer<>(producerConfig, new StringSerializer(), values);
    p.initTransactions(); // fences an older producer with our transactional id
    return p;
  }

  @Override
  public void commit(
      List<ProducerRecord<String, SpecificRecord>> records,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      ConsumerGroupMetadata group) {
    try {
      producer.beginTransaction();
      for (ProducerRecord<String, SpecificRecord> r : records) {
        producer.send(r);
      }
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(offsets, group);
      }
      producer.commitTransaction();
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      LOG.warn("producer fenced ({}): rebuilding it; nothing was committed", e.getMessage());
      rebuild();
      throw e;
    } catch (KafkaException e) {
      try {
        producer.abortTransaction();
      } catch (KafkaException abortFailed) {
        LOG.warn("abort failed ({}): rebuilding the producer", abortFailed.getMessage());
        rebuild();
      }
      throw e;
    }
  }

  private void rebuild() {
    try {
      producer.close(Duration.ZERO);
    } catch (KafkaException e) {
      LOG.debug("closing the fenced producer: {}", e.getMessage());
    }
    producer = newProducer();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
