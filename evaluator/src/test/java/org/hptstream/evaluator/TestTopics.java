package org.hptstream.evaluator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.serde.AvroDeserializer;

/** Reads every committed value of a topic (tests of other packages). */
public final class TestTopics {
  private TestTopics() {}

  public static <T extends SpecificRecord> List<T> readValues(
      Map<String, Object> clients, String topic, Class<T> type) {
    AvroDeserializer<T> d =
        AvroDeserializer.specific(SchemaRegistryClient.fromConfigs(clients), type);
    d.configure(clients, false);
    List<T> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : ServiceFixtures.read(clients, topic)) {
      if (r.value() != null) {
        out.add(d.deserialize(r.topic(), r.value()));
      }
    }
    return out;
  }
}
