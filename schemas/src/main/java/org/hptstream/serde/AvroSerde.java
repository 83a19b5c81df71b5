package org.hptstream.serde;

import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.hptstream.registry.SchemaRegistryClient;

/** Kafka Streams {@link Serde} over {@link AvroSerializer} and {@link AvroDeserializer}. */
public class AvroSerde<T> implements Serde<T> {
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  /** Registry client built in {@link #configure} from {@code schema.registry.url} etc. */
  public AvroSerde() {
    this.serializer = new AvroSerializer<>();
    this.deserializer = new AvroDeserializer<>();
  }

  /** Shared registry client; decodes into {@code readerSchema} (null: see AvroDeserializer). */
  public AvroSerde(SchemaRegistryClient registry, Schema readerSchema) {
    this.serializer = new AvroSerializer<>(registry);
    this.deserializer = new AvroDeserializer<>(registry, readerSchema);
  }

  /** Serde of one generated class. */
  public static <R extends org.apache.avro.specific.SpecificRecord> AvroSerde<R> specific(
      SchemaRegistryClient registry, Class<R> type) {
    return new AvroSerde<>(registry, org.apache.avro.specific.SpecificData.get().getSchema(type));
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }

  @Override
  public void close() {
    serializer.close();
    deserializer.close();
  }
}
