package org.hptstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.hptstream.registry.IncompatibleSchemaException;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * BACKWARD compatibility enforced by the real registry, and resolution of old data to a new reader.
 */
@ExtendWith(TestStackExtension.class)
class SchemaEvolutionTest {
  static final Schema V1 =
      parse(
          """
      {"type":"record","name":"Probe","namespace":"org.hptstream.test","fields":[
        {"name":"checkpointId","type":"string"},
        {"name":"top1","type":"double"}]}""");

  /** Compatible: a new field with a default, and an enum with a default symbol. */
  static final Schema V2 =
      parse(
          """
      {"type":"record","name":"Probe","namespace":"org.hptstream.test","fields":[
        {"name":"checkpointId","type":"string"},
        {"name":"top1","type":"double"},
        {"name":"top5","type":["null","double"],"default":null},
        {"name":"protocol","type":{"type":"enum","name":"Protocol","symbols":["LINEAR","KNN","UNKNOWN"],"default":"UNKNOWN"},"default":"LINEAR"}]}""");

  /** Incompatible: a new field without a default cannot be filled from old data. */
  static final Schema V3_BAD =
      parse(
          """
      {"type":"record","name":"Probe","namespace":"org.hptstream.test","fields":[
        {"name":"checkpointId","type":"string"},
        {"name":"top1","type":"double"},
        {"name":"epochs","type":"int"}]}""");

  @Test
  void backwardCompatibleChangeIsAcceptedAndOldDataReadsWithTheNewSchema(KafkaStackFixture stack) {
    String topic = "evolution";
    SchemaRegistryClient registry =
        SchemaRegistryClient.fromConfigs(Map.of("schema.registry.url", stack.schemaRegistryUrl()));
    int v1 = registry.register(topic + "-value", V1);
    registry.setCompatibility(topic + "-value", "BACKWARD");
    assertThat(registry.getCompatibility(topic + "-value")).isEqualTo("BACKWARD");

    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(registry);
    serializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
    GenericRecord old = new GenericData.Record(V1);
    old.put("checkpointId", "ck-1");
    old.put("top1", 0.71);
    byte[] oldBytes = serializer.serialize(topic, old);
    assertThat(WireFormat.schemaId(oldBytes)).isEqualTo(v1);

    int v2 = registry.register(topic + "-value", V2);
    assertThat(v2).isNotEqualTo(v1);

    // A fresh client: the writer schema comes from the registry by id, not from a cache.
    SchemaRegistryClient fresh =
        SchemaRegistryClient.fromConfigs(Map.of("schema.registry.url", stack.schemaRegistryUrl()));
    GenericRecord read =
        new AvroDeserializer<GenericRecord>(fresh, V2).deserialize(topic, oldBytes);
    assertThat(read.getSchema()).isEqualTo(V2);
    assertThat(read.get("checkpointId").toString()).isEqualTo("ck-1");
    assertThat(read.get("top1")).isEqualTo(0.71);
    assertThat(read.get("top5")).isNull();
    assertThat(read.get("protocol").toString()).isEqualTo("LINEAR");
  }

  @Test
  void incompatibleChangeIsRejectedWith409AsAClearError(KafkaStackFixture stack) {
    String topic = "evolution-bad";
    SchemaRegistryClient registry =
        SchemaRegistryClient.fromConfigs(Map.of("schema.registry.url", stack.schemaRegistryUrl()));
    registry.register(topic + "-value", V1);
    registry.setCompatibility(topic + "-value", "BACKWARD");

    assertThatThrownBy(() -> registry.register(topic + "-value", V3_BAD))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("incompatible")
        .hasMessageContaining(topic + "-value")
        .satisfies(e -> assertThat(((IncompatibleSchemaException) e).status()).isEqualTo(409));

    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
    serializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
    GenericRecord bad = new GenericData.Record(V3_BAD);
    bad.put("checkpointId", "ck-2");
    bad.put("top1", 0.5);
    bad.put("epochs", 90);
    assertThatThrownBy(() -> serializer.serialize(topic, bad))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("incompatible")
        .hasCauseInstanceOf(IncompatibleSchemaException.class);
  }

  private static Schema parse(String json) {
    return new Schema.Parser().parse(json);
  }
}
