package org.hptstream.ingest;

import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.serde.AvroDeserializer;
import org.hptstream.testkit.KafkaStackFixture;

/** Real Fashion-MNIST slices written as IDX and PNG/JPEG files, and reading topics back. */
final class TestData {
  private TestData() {}

  static ImageSet fashionTrain() throws IOException {
    return FashionMnist.train();
  }

  /** The first {@code n} training images and labels as gzipped IDX files: {images, labels}. */
  static Path[] idxSlice(Path dir, int n, int labelCount) throws IOException {
    ImageSet set = fashionTrain();
    Path images = dir.resolve("slice-images-idx3-ubyte.gz");
    Path labels = dir.resolve("slice-labels-idx1-ubyte.gz");
    try (DataOutputStream out =
        new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(images)))) {
      out.writeInt(0x00000803);
      out.writeInt(n);
      out.writeInt(set.height());
      out.writeInt(set.width());
      out.write(set.pixels(), 0, n * set.imageBytes());
    }
    try (DataOutputStream out =
        new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(labels)))) {
      out.writeInt(0x00000801);
      out.writeInt(labelCount);
      for (int i = 0; i < labelCount; i++) {
        out.writeByte(set.label(i));
      }
    }
    return new Path[] {images, labels};
  }

  /** Image {@code index} of the training set, upscaled by {@code scale}, as grey PNG or JPEG. */
  static void writeImage(Path file, int index, int scale, String format) throws IOException {
    ImageSet set = fashionTrain();
    int h = set.height() * scale;
    int w = set.width() * scale;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    byte[] px = set.image(index);
    byte[] out = new byte[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        out[y * w + x] = px[(y / scale) * set.width() + x / scale];
      }
    }
    img.getRaster().setDataElements(0, 0, w, h, out);
    Files.createDirectories(file.getParent());
    try (OutputStream o = Files.newOutputStream(file)) {
      if (!ImageIO.write(img, format, o)) {
        throw new IOException("no ImageIO writer for " + format);
      }
    }
  }

  /** A PNG of random RGB noise (incompressible): about 3*side*side bytes. */
  static void writeNoisePng(Path file, int side) throws IOException {
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    java.util.Random r = new java.util.Random(42);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  /** What {@code hpt ingest} returned and printed on stderr. */
  record CommandRun(int exit, String stderr) {}

  /** Runs {@code hpt ingest} (the picocli command) in this JVM, capturing its stderr. */
  static CommandRun ingestCommand(String... args) {
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code;
    try {
      System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
      code = new picocli.CommandLine(new IngestCommand()).execute(args);
    } finally {
      System.setErr(saved);
    }
    return new CommandRun(code, err.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  static Map<String, Object> clientConfig(KafkaStackFixture stack) {
    Map<String, Object> c = new HashMap<>();
    c.put("bootstrap.servers", stack.bootstrapServers());
    c.put("schema.registry.url", stack.schemaRegistryUrl());
    return c;
  }

  /** All records of the topic (which may not exist: then none), as ImageBatches. */
  static List<ConsumerRecord<String, ImageBatch>> readAll(KafkaStackFixture stack, String topic) {
    AvroDeserializer<ImageBatch> values = new AvroDeserializer<>();
    Map<String, Object> c = clientConfig(stack);
    c.put("specific.avro.reader", "true");
    values.configure(c, false);
    return readAll(stack, topic, new StringDeserializer(), values);
  }

  /** Raw records of a topic (e.g. a dead-letter topic). */
  static List<ConsumerRecord<byte[], byte[]>> readAllRaw(KafkaStackFixture stack, String topic) {
    return readAll(stack, topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * All records of the topic from the beginning to the end offsets (none when it does not exist).
   */
  static <K, V> List<ConsumerRecord<K, V>> readAll(
      KafkaStackFixture stack, String topic, Deserializer<K> keys, Deserializer<V> values) {
    return org.hptstream.testkit.TopicContents.read(stack, topic, keys, values);
  }
}
