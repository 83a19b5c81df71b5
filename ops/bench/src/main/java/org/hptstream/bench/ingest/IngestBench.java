package org.hptstream.bench.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.hptstream.ingest.BatchReport;
import org.hptstream.ingest.BatchSender;
import org.hptstream.ingest.IngestConfig;
import org.hptstream.ingest.IngestListener;
import org.hptstream.ingest.IngestResult;
import org.hptstream.ingest.Ingestor;
import org.hptstream.schemas.Image;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.schemas.RawPixels;
import org.hptstream.schemas.Split;
import org.hptstream.testkit.LocalStackFixture;
import org.hptstream.topics.TopicAdmin;
import org.hptstream.topics.TopicSpec;

/**
 * Ingest throughput against Kafka's own ProducerPerformance on the same broker, same producer
 * settings, same record size. Every producer runs in a fresh JVM of its own; the broker (in-JVM
 * KRaft from the testkit) and the Apicurio registry process are started once by the driver.
 *
 * <pre>java IngestBench driver WORKDIR PASSES PNG_FILES</pre>
 */
public final class IngestBench {
  /** Records sent before timing starts, by ours and by the reference alike. */
  static final int WARMUP_RECORDS = 10;

  /** Alternating rounds of ours and the reference; the verdict is the median per-round ratio. */
  static final int ROUNDS = 3;

  /** Producer settings shared by ours and the reference (same acks, compression, batch, linger). */
  static Map<String, String> producerProps(String bootstrap) {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("compression.type", System.getProperty("bench.compression", "none"));
    p.put("batch.size", Integer.toString(1 << 20));
    p.put("linger.ms", "5");
    p.put("max.request.size", Integer.toString(8 << 20));
    return p;
  }

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "driver" ->
          driver(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      case "ours-encoded" -> oursEncoded(args[1], args[2], args[3], Integer.parseInt(args[4]));
      case "ours-e2e" -> oursEndToEnd(args[1], args[2], args[3], Path.of(args[4]));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  /** Child: ImageBatch records of real Fashion-MNIST pixels built in memory, then timed sending. */
  static void oursEncoded(String bootstrap, String registry, String domain, int passes)
      throws Exception {
    ImageSet set = FashionMnist.train();
    List<ImageBatch> batches = new ArrayList<>();
    List<Image> current = new ArrayList<>();
    int n = set.imageBytes();
    int size = 0;
    for (int i = 0; i < set.size(); i++) {
      if (size + n + 110 > (1 << 20) - 512) {
        batches.add(batch(domain, current, batches.size()));
        current = new ArrayList<>();
        size = 0;
      }
      String id = String.format("%064x", i);
      current.add(
          new Image(
              id,
              new RawPixels(
                  1, set.height(), set.width(), ByteBuffer.wrap(set.pixels(), i * n, n).slice()),
              set.label(i),
              "train-images-idx3-ubyte.gz#" + i));
      size += n + 110;
    }
    Map<String, Object> config = new HashMap<>(producerProps(bootstrap));
    config.put("schema.registry.url", registry);
    String topic = "hpt.images." + domain;
    try (Producer<String, ImageBatch> producer = Ingestor.newProducer(config)) {
      // Untimed warm-up, as ProducerPerformance's --warmup-records: schema registration, metadata,
      // JIT.
      BatchSender warm = new BatchSender(producer, topic, IngestListener.NONE);
      for (int i = 0; i < WARMUP_RECORDS; i++) {
        ImageBatch b = batches.get(i % batches.size());
        warm.send(
            b, new BatchReport(i, b.getBatchId(), b.getImages().size(), 0, 0, "", "", -1, -1));
      }
      warm.flush();
      BatchSender sender = new BatchSender(producer, topic, IngestListener.NONE);
      long t0 = System.nanoTime();
      int index = 0;
      for (int p = 0; p < passes; p++) {
        for (ImageBatch b : batches) {
          sender.send(
              b,
              new BatchReport(index++, b.getBatchId(), b.getImages().size(), 0, 0, "", "", -1, -1));
        }
      }
      sender.flush();
      long nanos = System.nanoTime() - t0;
      if (!sender.failed().isEmpty()) {
        throw new IllegalStateException("failed: " + sender.failed().get(0));
      }
      long bytes = sender.acknowledged().stream().mapToLong(BatchReport::recordBytes).sum();
      System.out.printf(
          "OURS records=%d bytes=%d seconds=%.4f images=%d%n",
          index, bytes, nanos / 1e9, (long) passes * set.size());
    }
  }

  private static ImageBatch batch(String domain, List<Image> images, int index) {
    return new ImageBatch(
        domain, Split.TRAIN, String.format("%064x", index), "bench", Instant.now(), images);
  }

  /** Child: the whole ingest of a folder of PNG files (walk, read, decode-validate, hash, send). */
  static void oursEndToEnd(String bootstrap, String registry, String domain, Path folder)
      throws Exception {
    Map<String, Object> config = new HashMap<>(producerProps(bootstrap));
    config.put("schema.registry.url", registry);
    IngestConfig ic =
        new IngestConfig(
            domain,
            Split.UNLABELED,
            List.of(folder),
            null,
            false,
            "bench",
            config.get("compression.type").toString(),
            1,
            Ingestor.DEFAULT_BATCH_BYTES);
    IngestResult r = new Ingestor(config).run(ic, IngestListener.NONE);
    if (!r.success()) {
      throw new IllegalStateException(r.summary());
    }
    System.out.printf(
        "OURS records=%d bytes=%d seconds=%.4f images=%d imagebytes=%d sendseconds=%.4f validateseconds=%.4f%n",
        r.acknowledged().size(),
        r.recordBytesAcknowledged(),
        r.nanos() / 1e9,
        r.imagesAcknowledged(),
        r.imageBytesAcknowledged(),
        r.sendNanos() / 1e9,
        r.validateNanos() / 1e9);
  }

  record Run(long records, long bytes, double seconds, String line) {
    double mbPerSecond() {
      return bytes / 1e6 / seconds;
    }

    long images() {
      Matcher m = Pattern.compile("images=(\\d+)").matcher(line);
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
  }

  static void driver(Path work, int passes, int pngFiles) throws Exception {
    Path png = work.resolve("png224-" + pngFiles);
    if (!Files.isDirectory(png)) {
      System.err.println(
          "writing "
              + pngFiles
              + " PNG files (224x224 grey, Fashion-MNIST upscaled + noise) to "
              + png);
      writePngs(png, pngFiles);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    try (LocalStackFixture stack = LocalStackFixture.start()) {
      String bootstrap = stack.bootstrapServers();
      String registry = stack.schemaRegistryUrl();
      System.err.println(
          "broker "
              + bootstrap
              + ", registry "
              + registry
              + ", compression "
              + producerProps(bootstrap).get("compression.type"));
      List<double[]> encoded = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        Run ours =
            child(
                java,
                cp,
                List.of(
                    "ours-encoded",
                    bootstrap,
                    registry,
                    "bench-enc-" + round,
                    Integer.toString(passes)));
        String refTopic = "bench-ref-enc-" + round;
        createTopic(bootstrap, refTopic);
        Run ref =
            reference(
                java,
                cp,
                bootstrap,
                refTopic,
                ours.records(),
                (int) (ours.bytes() / ours.records()),
                WARMUP_RECORDS);
        System.err.printf(
            "encoded round %d: ours %.1f MB/s (%d records, %.2f s), ProducerPerformance %.1f MB/s (%d records, %.2f s)%n",
            round,
            ours.mbPerSecond(),
            ours.records(),
            ours.seconds(),
            ref.mbPerSecond(),
            ref.records(),
            ref.seconds());
        encoded.add(
            new double[] {ours.mbPerSecond(), ref.mbPerSecond(), ours.images() / ours.seconds()});
      }

      Run e2e =
          child(java, cp, List.of("ours-e2e", bootstrap, registry, "bench-e2e", png.toString()));
      createTopic(bootstrap, "bench-ref-e2e");
      Run ref =
          reference(
              java,
              cp,
              bootstrap,
              "bench-ref-e2e",
              e2e.records(),
              (int) (e2e.bytes() / e2e.records()),
              0);
      Matcher m =
          Pattern.compile(
                  "images=(\\d+) imagebytes=(\\d+) sendseconds=([\\d.]+) validateseconds=([\\d.]+)")
              .matcher(e2e.line());
      m.find();
      long images = Long.parseLong(m.group(1));
      System.err.printf(
          "end to end: ours %d PNG files, %.1f MB of records in %.2f s (validation %.2f s, send phase %.2f s):"
              + " %.1f MB/s, %.0f images/s; ProducerPerformance same %d records: %.1f MB/s (%.2f s)%n",
          images,
          e2e.bytes() / 1e6,
          e2e.seconds(),
          Double.parseDouble(m.group(4)),
          Double.parseDouble(m.group(3)),
          e2e.mbPerSecond(),
          images / e2e.seconds(),
          ref.records(),
          ref.mbPerSecond(),
          ref.seconds());

      double oursBest = encoded.stream().mapToDouble(d -> d[0]).max().orElseThrow();
      double refBest = encoded.stream().mapToDouble(d -> d[1]).max().orElseThrow();
      double imagesPerSecond = encoded.stream().mapToDouble(d -> d[2]).max().orElseThrow();
      double[] ratios = encoded.stream().mapToDouble(d -> d[0] / d[1]).sorted().toArray();
      double median = ratios[ratios.length / 2];
      System.out.printf(
          "encoded batches (best of %d): ours %.1f MB/s (%.0f images/s), ProducerPerformance %.1f MB/s;"
              + " ratio per round (sorted) %s, median %.3f%n",
          ROUNDS,
          oursBest,
          imagesPerSecond,
          refBest,
          Arrays.toString(Arrays.stream(ratios).map(r -> Math.round(r * 1000) / 1000.0).toArray()),
          median);
      System.out.printf(
          "end to end from %d PNG files: ours %.1f MB/s (%.0f images/s), ProducerPerformance %.1f MB/s%n",
          images, e2e.mbPerSecond(), images / e2e.seconds(), ref.mbPerSecond());
      System.out.printf(
          "RESULT ingest-e2e-throughput ratio=%.3f target=none%n",
          e2e.mbPerSecond() / ref.mbPerSecond());
      // Verdict: the median of the paired per-round ratios (robust to a noisy neighbour on shared
      // cores).
      System.out.printf("RESULT ingest-throughput ratio=%.3f target=0.8%n", median);
    }
  }

  static void createTopic(String bootstrap, String topic) {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      new TopicAdmin(admin)
          .ensure(
              new TopicSpec(
                  topic,
                  1,
                  java.util.Optional.empty(),
                  java.util.Optional.empty(),
                  8 << 20,
                  false));
    }
  }

  /**
   * ProducerPerformance sending {@code records} timed records (after {@code warmup} untimed ones).
   */
  static Run reference(
      String java,
      String cp,
      String bootstrap,
      String topic,
      long records,
      int recordSize,
      int warmup)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx2g",
                "-cp",
                cp,
                "org.apache.kafka.tools.ProducerPerformance",
                "--topic",
                topic,
                "--num-records",
                Long.toString(records + warmup),
                "--record-size",
                Integer.toString(recordSize),
                "--throughput",
                "-1",
                "--bootstrap-server",
                bootstrap));
    if (warmup > 0) {
      cmd.addAll(List.of("--warmup-records", Integer.toString(warmup)));
    }
    cmd.add("--command-property");
    producerProps(bootstrap).forEach((k, v) -> cmd.add(k + "=" + v));
    String out = run(cmd);
    Matcher m =
        Pattern.compile(
                "(?m)^(\\d+)"
                    + (warmup > 0 ? " steady state" : "")
                    + " records sent, ([\\d.]+) records/sec")
            .matcher(out);
    String last = null;
    long n = 0;
    double rate = 0;
    while (m.find()) {
      n = Long.parseLong(m.group(1));
      rate = Double.parseDouble(m.group(2));
      last = m.group();
    }
    if (last == null || n != records) {
      throw new IllegalStateException("unexpected ProducerPerformance output:\n" + out);
    }
    return new Run(n, n * (long) recordSize, n / rate, last);
  }

  static Run child(String java, String cp, List<String> args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx2g",
                "-Dbench.compression=" + System.getProperty("bench.compression", "none"),
                "-cp",
                cp,
                IngestBench.class.getName()));
    cmd.addAll(args);
    String out = run(cmd);
    Matcher m =
        Pattern.compile("OURS records=(\\d+) bytes=(\\d+) seconds=([\\d.]+).*").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("unexpected output of " + args + ":\n" + out);
    }
    return new Run(
        Long.parseLong(m.group(1)),
        Long.parseLong(m.group(2)),
        Double.parseDouble(m.group(3)),
        m.group());
  }

  static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.append(line).append('\n');
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "failed ("
              + p.exitValue()
              + "): "
              + String.join(" ", cmd.subList(3, cmd.size()))
              + "\n"
              + out);
    }
    return out.toString();
  }

  static void writePngs(Path dir, int count) throws IOException {
    ImageSet set = FashionMnist.train();
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    Files.createDirectories(tmp);
    int scale = 8; // 224x224, the usual training resolution of scans and photos
    java.util.Random noise = new java.util.Random(7);
    int h = set.height() * scale;
    int w = set.width() * scale;
    for (int i = 0; i < count; i++) {
      byte[] px = set.image(i % set.size());
      java.awt.image.BufferedImage img =
          new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
      byte[] out = new byte[h * w];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          // Sensor-like noise so PNG compression sees real-image entropy, not flat blocks.
          int v = (px[(y / scale) * set.width() + x / scale] & 0xff) + noise.nextInt(9) - 4;
          out[y * w + x] = (byte) Math.max(0, Math.min(255, v));
        }
      }
      // Distinct files even when count exceeds the set: vary one corner pixel.
      out[0] = (byte) (i / set.size());
      img.getRaster().setDataElements(0, 0, w, h, out);
      Path f = tmp.resolve(String.format("%03d/%06d.png", i / 1000, i));
      Files.createDirectories(f.getParent());
      javax.imageio.ImageIO.write(img, "png", f.toFile());
    }
    Files.move(tmp, dir);
  }
}
