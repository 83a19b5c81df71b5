package org.hptstream.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.hptstream.registry.SchemaNotFoundException;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.registry.SchemaRegistryException;

/**
 * Kafka deserializer of Confluent-wire-format Avro. The writer schema is fetched by the id in the
 * message (cached) and resolved against the reader schema, so records written with an older or
 * newer compatible schema decode into the reader's shape.
 *
 * <p>The reader schema is, in order: the one given to the constructor; with {@code
 * specific.avro.reader=true} the generated class of the writer's full name; else the writer schema
 * itself (GenericRecord).
 *
 * <p>Decoding is bounded by the message: a length or item count claiming more than the message
 * holds fails with a {@link SerializationException} before anything is allocated for it.
 */
public class AvroDeserializer<T> implements Deserializer<T> {
  private SchemaRegistryClient registry;
  private final boolean ownsClientConfig;
  private final Schema readerSchema;
  private AvroSerdeConfig config = new AvroSerdeConfig(true, false);
  private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();

  /** For Kafka's reflective construction; {@link #configure} must follow. */
  public AvroDeserializer() {
    this(null, null);
  }

  /**
   * @param registry shared client, or null to build one in {@link #configure}
   * @param readerSchema schema to decode into (generic, or a generated class's SCHEMA$), or null
   */
  public AvroDeserializer(SchemaRegistryClient registry, Schema readerSchema) {
    this.registry = registry;
    this.ownsClientConfig = registry == null;
    this.readerSchema = readerSchema;
  }

  /** Decodes into the generated class {@code type} (e.g. {@code ImageBatch.class}). */
  public static <R extends org.apache.avro.specific.SpecificRecord> AvroDeserializer<R> specific(
      SchemaRegistryClient registry, Class<R> type) {
    return new AvroDeserializer<>(registry, SpecificData.get().getSchema(type));
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.config = AvroSerdeConfig.fromConfigs(configs);
    if (ownsClientConfig) {
      this.registry = SchemaRegistryClient.fromConfigs(configs);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("AvroDeserializer is not configured (call configure first)");
    }
    return (T)
        decode(
            topic,
            data,
            id -> {
              DatumReader<Object> reader = readers.get(id);
              return reader != null
                  ? reader
                  : readers.computeIfAbsent(id, i -> newReader(topic, i));
            });
  }

  /**
   * Decodes one framed message with the reader {@code readers} gives for its schema id: everything
   * of deserialization except the registry. Throws only {@link SerializationException}.
   */
  static Object decode(String topic, byte[] data, IntFunction<DatumReader<Object>> readers) {
    if (data.length < WireFormat.HEADER_SIZE || data[0] != WireFormat.MAGIC) {
      throw new SerializationException(
          "topic "
              + topic
              + ": not a schema-registry Avro message: "
              + (data.length == 0 ? "empty" : "unknown magic byte " + data[0] + " (expected 0)")
              + (data.length < WireFormat.HEADER_SIZE ? ", only " + data.length + " bytes" : ""));
    }
    int id = WireFormat.schemaId(data);
    DatumReader<Object> reader = readers.apply(id);
    try {
      // Bounded: a length or item count claiming more than the message holds fails, unallocated.
      return reader.read(
          null,
          new BoundedDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE));
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "topic " + topic + ": cannot decode Avro with schema id " + id + ": " + e, e);
    }
  }

  private DatumReader<Object> newReader(String topic, int id) {
    Schema writer;
    try {
      writer = registry.getById(id);
    } catch (SchemaNotFoundException e) {
      throw new SerializationException(
          "topic "
              + topic
              + ": unknown schema id "
              + id
              + " (the registry at "
              + registry.config().urls()
              + " does not know it; was it restarted with in-memory storage?)",
          e);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "topic " + topic + ": cannot fetch schema id " + id + ": " + e.getMessage(), e);
    }
    Schema reader = readerSchema;
    if (reader == null && config.specificReader()) {
      Class<?> type = SpecificData.get().getClass(writer);
      if (type == null) {
        throw new SerializationException(
            "topic "
                + topic
                + ": specific.avro.reader is set but no generated class "
                + writer.getFullName()
                + " is on the classpath");
      }
      reader = SpecificData.get().getSchema(type);
    }
    if (reader == null) {
      return new GenericDatumReader<>(writer, writer, GenericData.get());
    }
    SpecificData model = SpecificData.getForSchema(reader);
    if (SpecificData.get().getClass(reader) == null) {
      return new GenericDatumReader<>(writer, reader, GenericData.get());
    }
    return new SpecificDatumReader<>(writer, reader, model);
  }
}
