package org.hptstream.bench.evaluator;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.clients.AvroPublisher;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.hptstream.evaluation.CheckpointLoader;
import org.hptstream.evaluation.EvaluatedBackbone;
import org.hptstream.evaluation.EvaluationData;
import org.hptstream.evaluation.Evaluator;
import org.hptstream.evaluator.EvaluatorApp;
import org.hptstream.evaluator.EvaluatorServiceConfig;
import org.hptstream.features.FeatureCache;
import org.hptstream.imagetopic.ImageTopicReader;
import org.hptstream.leaderboard.LeaderboardConfig;
import org.hptstream.pretrain.PretrainCommand;
import org.hptstream.pretrain.events.CheckpointEvents;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.Image;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.schemas.RawPixels;
import org.hptstream.schemas.Split;
import org.hptstream.serde.AvroDeserializer;
import org.hptstream.testkit.LocalStackFixture;
import org.hptstream.topics.TopicNames;
import org.hptstream.topics.TopicSpec;
import picocli.CommandLine;

/**
 * The evaluator service's latency, from a committed checkpoint event to its last committed metric
 * event (splits already cached: a warm-up checkpoint went first), against {@code
 * Evaluator.evaluate} on the same checkpoint and data in this same warm JVM (a fresh feature cache
 * each time, as the service meets a new checkpoint). Paired and interleaved per checkpoint.
 */
public final class EvaluatorBench {
  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    int rounds = Integer.parseInt(args[1]);
    int probeSteps = Integer.parseInt(args[2]);
    int trainSize = Integer.parseInt(args[3]);
    int testSize = Integer.parseInt(args[4]);
    Path store = work.resolve("store");
    String domain = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i <= rounds; i++) {
      ids.add(pretrain(store, domain, i));
    }
    try (LocalStackFixture stack = LocalStackFixture.start()) {
      Map<String, Object> clients = new HashMap<>();
      clients.put("bootstrap.servers", stack.bootstrapServers());
      clients.put("schema.registry.url", stack.schemaRegistryUrl());
      clients.put("specific.avro.reader", "true");
      ImageSet train = FashionMnist.train().slice(30000, 30000 + trainSize);
      ImageSet test = FashionMnist.test().slice(0, testSize);
      ingest(clients, domain, Split.TRAIN, train);
      ingest(clients, domain, Split.TEST, test);

      EvaluatorServiceConfig config =
          new EvaluatorServiceConfig(
              store,
              "bench-" + domain,
              "bench",
              List.of("linear", "knn", "health"),
              "cpu",
              probeSteps,
              null,
              1,
              "127.0.0.1",
              0,
              false,
              work.resolve("state"),
              32,
              3600);
      // The reference reads the splits the way the service does, once (warm).
      ImageTopicReader reader = new ImageTopicReader(clients);
      ImageSet rTrain =
          reader.read(domain, ImageTopicReader.Options.all().withSplit(Split.TRAIN)).images();
      ImageSet rTest =
          reader.read(domain, ImageTopicReader.Options.all().withSplit(Split.TEST)).images();
      EvaluationData data = new EvaluationData(rTrain, null, rTest, null);

      try (EvaluatorApp app =
              EvaluatorApp.start(config, LeaderboardConfig.defaults(work.resolve("lb")), clients);
          AvroPublisher<CheckpointEvent> events =
              new AvroPublisher<>(clients, CheckpointEvents.TOPIC);
          MetricWatch metrics = new MetricWatch(clients)) {
        Thread loop = new Thread(app::run, "evaluator-loop");
        loop.start();
        // Warm-up: splits read and cached, BASE row measured, JIT warm.
        long t = System.nanoTime();
        int perCheckpoint = serviceRun(events, metrics, store, domain, ids.get(0), -1);
        System.err.printf(
            "warm-up checkpoint: %.2f s, %d metric events each%n",
            (System.nanoTime() - t) / 1e9, perCheckpoint);
        reference(config, store, ids.get(0), data);

        double[] ratios = new double[rounds];
        double[] svc = new double[rounds];
        double[] ref = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          String id = ids.get(r + 1);
          long s0 = System.nanoTime();
          serviceRun(events, metrics, store, domain, id, perCheckpoint);
          svc[r] = (System.nanoTime() - s0) / 1e9;
          ref[r] = reference(config, store, id, data);
          ratios[r] = svc[r] / ref[r];
          System.err.printf(
              "round %d: service %.2f s (event committed -> last metric committed), in-process %.2f s, ratio %.3f%n",
              r, svc[r], ref[r], ratios[r]);
        }
        app.stop(Duration.ofSeconds(30));
        loop.join(30_000);
        Arrays.sort(ratios);
        double median = ratios[rounds / 2];
        System.out.printf(
            "service %s s, in-process %s s, ratio per round (sorted) %s, median %.3f%n",
            Arrays.toString(round(svc)),
            Arrays.toString(round(ref)),
            Arrays.toString(round(ratios)),
            median);
        System.out.printf("RESULT evaluator ratio=%.3f target=1.10%n", median);
      }
    }
    System.exit(0);
  }

  static double[] round(double[] v) {
    return Arrays.stream(v).map(x -> Math.round(x * 1000) / 1000.0).toArray();
  }

  /**
   * Seconds of one in-process evaluation: load + linear, kNN, health with a fresh feature cache.
   */
  static double reference(
      EvaluatorServiceConfig config, Path store, String id, EvaluationData data) {
    long t0 = System.nanoTime();
    try (NDManager manager = NDManager.newBaseManager()) {
      CheckpointLoader.Loaded loaded =
          CheckpointLoader.load(
              store.resolve(id),
              null,
              (m, norm) ->
                  EvaluatedBackbone.Transforms.forCheckpoint(m, norm, data.train().height(), null),
              manager);
      new Evaluator(config.evaluation(), manager, new FeatureCache(null, 32))
          .evaluate(loaded.backbone(), data, config.parsedProtocols());
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Publishes the checkpoint's event and waits for its metric events; returns how many came. */
  static int serviceRun(
      AvroPublisher<CheckpointEvent> events,
      MetricWatch metrics,
      Path store,
      String domain,
      String id,
      int expected)
      throws Exception {
    CheckpointEvent e =
        CheckpointEvents.of(
            new LocalCheckpointStore(store).manifest(id).orElseThrow(),
            store.resolve(id),
            List.of(),
            1);
    events.publish(domain, e); // returns once the broker acknowledged: the event is committed
    return metrics.awaitFor(id, expected);
  }

  static String pretrain(Path store, String domain, int seed) throws Exception {
    java.util.Set<String> before = ids(store);
    CommandLine cmd = new CommandLine(new PretrainCommand());
    cmd.setOut(new PrintWriter(new StringWriter()));
    StringWriter err = new StringWriter();
    cmd.setErr(new PrintWriter(err));
    int code =
        cmd.execute(
            "--strategy",
            "target",
            "--data",
            FashionMnist.trainImages().toString(),
            "--out",
            store.toString(),
            "--steps",
            "2",
            "--limit",
            "300",
            "--seed",
            Integer.toString(seed),
            "--domain",
            domain,
            "--no-progress");
    if (code != 0) {
      throw new IllegalStateException("pretrain failed: " + err);
    }
    java.util.Set<String> after = ids(store);
    after.removeAll(before);
    return after.stream()
        .max(
            java.util.Comparator.comparingLong(
                i -> new LocalCheckpointStore(store).manifest(i).orElseThrow().steps()))
        .orElseThrow();
  }

  static java.util.Set<String> ids(Path store) throws Exception {
    java.util.Set<String> out = new java.util.HashSet<>();
    if (Files.isDirectory(store)) {
      try (var d = Files.list(store)) {
        d.filter(p -> Files.isRegularFile(p.resolve("manifest.json")))
            .forEach(p -> out.add(p.getFileName().toString()));
      }
    }
    return out;
  }

  static void ingest(Map<String, Object> clients, String domain, Split split, ImageSet s) {
    try (AvroPublisher<ImageBatch> p = new AvroPublisher<>(clients, TopicSpec.images(domain, 1))) {
      for (int from = 0; from < s.size(); from += 500) {
        List<Image> images = new ArrayList<>();
        for (int i = from; i < Math.min(s.size(), from + 500); i++) {
          images.add(
              Image.newBuilder()
                  .setId(split + "-" + i)
                  .setContent(
                      new RawPixels(
                          s.channels(), s.height(), s.width(), ByteBuffer.wrap(s.image(i))))
                  .setLabel(s.label(i))
                  .setSource("fmnist#" + i)
                  .build());
        }
        p.publish(
            domain,
            ImageBatch.newBuilder()
                .setDomain(domain)
                .setSplit(split)
                .setBatchId(UUID.randomUUID().toString())
                .setProducerId("bench")
                .setCreatedAt(Instant.now())
                .setImages(images)
                .build());
      }
    }
  }

  /** A read_committed tail of the metric topic. */
  static final class MetricWatch implements AutoCloseable {
    final KafkaConsumer<String, byte[]> consumer;
    final AvroDeserializer<MetricEvent> values;
    final Map<String, Integer> seen = new HashMap<>();

    MetricWatch(Map<String, Object> clients) {
      Map<String, Object> c = new HashMap<>();
      c.put("bootstrap.servers", clients.get("bootstrap.servers"));
      c.put("isolation.level", "read_committed");
      consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
      TopicPartition tp = new TopicPartition(TopicNames.METRICS, 0);
      consumer.assign(List.of(tp));
      consumer.seekToEnd(List.of(tp));
      consumer.position(tp);
      values =
          AvroDeserializer.specific(SchemaRegistryClient.fromConfigs(clients), MetricEvent.class);
      values.configure(clients, false);
    }

    /**
     * Waits until {@code expected} non-BASE events of {@code id} arrived (-1: until some, then
     * quiet).
     */
    int awaitFor(String id, int expected) {
      long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
      long quietSince = -1;
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
          MetricEvent m = values.deserialize(r.topic(), r.value());
          if (!"BASE".equals(m.getStrategy())) {
            seen.merge(m.getCheckpointId(), 1, Integer::sum);
          }
        }
        int n = seen.getOrDefault(id, 0);
        if (expected > 0 && n >= expected) {
          return n;
        }
        if (expected < 0 && n > 0) {
          if (quietSince < 0) {
            quietSince = System.nanoTime();
          } else if (System.nanoTime() - quietSince > Duration.ofSeconds(3).toNanos()) {
            return n; // one transaction: all of a checkpoint's events are visible together
          }
        }
      }
      throw new IllegalStateException("no metric events for " + id);
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
