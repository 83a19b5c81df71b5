package org.hptstream.trainer;

import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Publishes records and commits consumed offsets as one atomic step: either every record becomes
 * visible to {@code read_committed} readers and the offsets move, or neither happens. Called only
 * after what the records announce is durable, and only on the poll thread (the group metadata is
 * the consumer's).
 */
public interface CommitStep extends AutoCloseable {

  /**
   * @param records events to publish (checkpoint event, dead letters, ...)
   * @param offsets the group's new offsets
   * @param group the consumer's group metadata, read fresh for this call
   * @throws org.apache.kafka.common.KafkaException when nothing was committed; the caller may try
   *     again later (a fenced producer has been rebuilt by then)
   */
  void commit(
      List<ProducerRecord<String, SpecificRecord>> records,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      ConsumerGroupMetadata group);

  @Override
  void close();
}
