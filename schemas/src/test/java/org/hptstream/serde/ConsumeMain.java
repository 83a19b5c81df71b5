package org.hptstream.serde;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hptstream.schemas.CheckpointEvent;

/**
 * Run as a separate {@code java} process by {@link CrossProcessTest}: reads {@code count}
 * CheckpointEvents with the serde configured the way a Kafka user would (class names + config map)
 * and prints one line per record: {@code checkpointId strategy steps provenance-size}.
 */
public final class ConsumeMain {
  public static void main(String[] args) {
    String bootstrap = args[0];
    String registry = args[1];
    String topic = args[2];
    int count = Integer.parseInt(args[3]);
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "cross-process-" + topic);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class.getName());
    c.put("schema.registry.url", registry);
    c.put("specific.avro.reader", "true");
    int seen = 0;
    long deadline = System.currentTimeMillis() + 60_000;
    try (KafkaConsumer<String, CheckpointEvent> consumer = new KafkaConsumer<>(c)) {
      consumer.subscribe(List.of(topic));
      while (seen < count && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, CheckpointEvent> r : consumer.poll(Duration.ofMillis(500))) {
          CheckpointEvent e = r.value();
          System.out.println(
              e.getCheckpointId()
                  + " "
                  + e.getStrategy()
                  + " "
                  + e.getSteps()
                  + " "
                  + e.getProvenance().size());
          seen++;
        }
      }
    }
    System.exit(seen == count ? 0 : 3);
  }
}
