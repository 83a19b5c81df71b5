package org.hptstream.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.registry.SchemaRegistryException;

/**
 * Kafka serializer of Avro records (generated SpecificRecords or GenericRecords) in the Confluent
 * wire format, subject {@code <topic>-value} / {@code <topic>-key}.
 *
 * <p>Fast path: the schema id is cached per topic and schema instance (no registry call, no schema
 * hashing after the first record), datum writers are cached per schema, and each thread reuses its
 * output buffer and encoder; the one copy left is the final {@code byte[]} Kafka needs.
 */
public class AvroSerializer<T> implements Serializer<T> {
  private SchemaRegistryClient registry;
  private boolean ownsClientConfig;
  private AvroSerdeConfig config;
  private boolean isKey;

  /** Last (topic, schema) seen, per thread: the common case of one record type per topic. */
  private final ThreadLocal<Encoding> encoding = ThreadLocal.withInitial(Encoding::new);

  private final Map<String, Map<Schema, Integer>> ids = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

  /** For Kafka's reflective construction; {@link #configure} must follow. */
  public AvroSerializer() {
    this.ownsClientConfig = true;
  }

  /** Shares an existing registry client; {@link #configure} still reads the serde keys. */
  public AvroSerializer(SchemaRegistryClient registry) {
    this.registry = registry;
    this.config = new AvroSerdeConfig(true, false);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    this.config = AvroSerdeConfig.fromConfigs(configs);
    if (ownsClientConfig) {
      this.registry = SchemaRegistryClient.fromConfigs(configs);
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    if (!(data instanceof GenericContainer container)) {
      throw new SerializationException(
          "AvroSerializer writes Avro records only, not " + data.getClass().getName());
    }
    if (registry == null) {
      throw new IllegalStateException("AvroSerializer is not configured (call configure first)");
    }
    Schema schema = container.getSchema();
    Encoding enc = encoding.get();
    if (enc.lastSchema != schema || !topic.equals(enc.lastTopic)) {
      enc.lastId = schemaId(topic, schema);
      enc.lastWriter = writers.computeIfAbsent(schema, s -> newWriter(s, data));
      enc.lastTopic = topic;
      enc.lastSchema = schema;
    }
    int id = enc.lastId;
    DatumWriter<Object> writer = enc.lastWriter;
    Buffer out = enc.buffer;
    out.reset();
    out.write(WireFormat.MAGIC);
    out.write(id >>> 24);
    out.write(id >>> 16);
    out.write(id >>> 8);
    out.write(id);
    try {
      enc.encoder = EncoderFactory.get().binaryEncoder(out, enc.encoder);
      writer.write(data, enc.encoder);
      enc.encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(),
          e);
    }
    byte[] bytes = out.toByteArray();
    out.shrinkIfHuge();
    return bytes;
  }

  private int schemaId(String topic, Schema schema) {
    Map<Schema, Integer> byTopic = ids.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
    Integer id = byTopic.get(schema);
    if (id != null) {
      return id;
    }
    String subject = WireFormat.subject(topic, isKey);
    try {
      id =
          config.autoRegister()
              ? registry.register(subject, schema)
              : registry.lookup(subject, schema);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "cannot get a schema id for subject "
              + subject
              + " ("
              + schema.getFullName()
              + "): "
              + e.getMessage(),
          e);
    }
    byTopic.put(schema, id);
    return id;
  }

  @SuppressWarnings("unchecked")
  private static DatumWriter<Object> newWriter(Schema schema, Object sample) {
    if (sample instanceof SpecificRecord) {
      return (DatumWriter<Object>)
          (DatumWriter<?>) new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema));
    }
    return new GenericDatumWriter<>(schema, GenericData.get());
  }

  @Override
  public void close() {
    encoding.remove();
  }

  /** Per-thread reusable state. */
  private static final class Encoding {
    final Buffer buffer = new Buffer();
    BinaryEncoder encoder;
    String lastTopic;
    Schema lastSchema;
    int lastId;
    DatumWriter<Object> lastWriter;
  }

  /** A ByteArrayOutputStream whose buffer is kept across records (and not synchronized). */
  static final class Buffer extends java.io.OutputStream {
    private static final int KEEP = 16 << 20;
    private byte[] buf = new byte[8192];
    private int count;

    void reset() {
      count = 0;
    }

    @Override
    public void write(int b) {
      ensure(count + 1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(count + len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    private void ensure(int capacity) {
      if (capacity > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(capacity, buf.length * 2));
      }
    }

    byte[] toByteArray() {
      return java.util.Arrays.copyOf(buf, count);
    }

    /** Do not pin a buffer grown by one outsized record. */
    void shrinkIfHuge() {
      if (buf.length > KEEP) {
        buf = new byte[8192];
      }
    }
  }
}
