package org.hptstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.schemas.EncodedImage;
import org.hptstream.schemas.Image;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.schemas.ImageFormat;
import org.hptstream.schemas.Split;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Messages of a few bytes whose Avro length fields claim gigabytes fail with a clear error and
 * allocate nothing of what they claim (the real registry resolves the schema id).
 */
@ExtendWith(TestStackExtension.class)
class HostileMessagesTest {
  private static final long ALLOCATION_BOUND = 32L << 20;

  private AvroDeserializer<ImageBatch> deserializer;
  private String url;
  private int id;

  @BeforeEach
  void setUp(KafkaStackFixture stack) {
    url = stack.schemaRegistryUrl();
    SchemaRegistryClient registry =
        SchemaRegistryClient.fromConfigs(Map.of("schema.registry.url", url));
    id = registry.register("hostile-images-value", ImageBatch.getClassSchema());
    deserializer = AvroDeserializer.specific(registry, ImageBatch.class);
  }

  @Test
  void aValidBatchStillDecodes() throws Exception {
    ImageBatch batch =
        new ImageBatch(
            "d",
            Split.TRAIN,
            "b",
            "p",
            Instant.ofEpochMilli(1234),
            List.of(
                new Image(
                    "i",
                    new EncodedImage(ImageFormat.PNG, ByteBuffer.wrap(new byte[] {1, 2, 3})),
                    7,
                    "s")));
    AvroSerializer<ImageBatch> ser = new AvroSerializer<>();
    ser.configure(Map.of("schema.registry.url", url), false);
    byte[] bytes = ser.serialize("hostile-images", batch);
    assertThat(deserializer.deserialize("hostile-images", bytes)).isEqualTo(batch);
  }

  @Test
  void lengthsClaimingMoreThanTheMessageFailCleanly() {
    // A string of 1 GiB, an array of 2^31 - 10 images, a bytes value of 1 GiB.
    byte[][] crafted = {
      message(varint(1L << 30)),
      message(prefix(), varint(Integer.MAX_VALUE - 10)),
      message(prefix(), varint(1), string("i"), varint(0), varint(0), varint(1L << 30)),
      message(prefix(), varint(-3), varint(1L << 40)),
    };
    for (byte[] m : crafted) {
      assertThat(m.length).isLessThan(64);
      assertThatThrownBy(() -> deserializer.deserialize("hostile-images", m))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("cannot decode Avro with schema id " + id)
          .hasMessageContaining("malformed Avro");
      var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = threads.getCurrentThreadAllocatedBytes();
      try {
        deserializer.deserialize("hostile-images", m);
      } catch (SerializationException expected) {
        // asserted above
      }
      assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(ALLOCATION_BOUND);
    }
  }

  /** domain "d", split TRAIN, batchId "b", producerId "p", createdAt 0. */
  private static byte[] prefix() {
    return concat(string("d"), varint(1), string("b"), string("p"), varint(0));
  }

  private byte[] message(byte[]... parts) {
    return concat(
        new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id},
        concat(parts));
  }

  private static byte[] string(String s) {
    return concat(varint(s.length()), s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Avro's zig-zag variable-length long. */
  static byte[] varint(long v) {
    long z = (v << 1) ^ (v >> 63);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((z & ~0x7fL) != 0) {
      out.write((int) ((z & 0x7f) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
