package org.hptstream.bench.trainer;

import java.io.DataOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.hptstream.imagetopic.ImageRecords;
import org.hptstream.imagetopic.ImageTopicReader;
import org.hptstream.ingest.IngestConfig;
import org.hptstream.ingest.IngestListener;
import org.hptstream.ingest.Ingestor;
import org.hptstream.pretrain.PretrainConfig;
import org.hptstream.pretrain.PretrainJob;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.serde.AvroDeserializer;
import org.hptstream.strategy.Strategy;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStack;
import org.hptstream.topics.TopicAdmin;
import org.hptstream.topics.TopicNames;
import org.hptstream.topics.TopicSpec;
import org.hptstream.trainer.DomainPolicy;
import org.hptstream.trainer.ImageSampler;
import org.hptstream.trainer.TrainerConfig;
import org.hptstream.trainer.TrainerService;

/**
 * The same job (sample, strategy, steps, seed) run by the trainer service on the local stack
 * (in-JVM broker + registry process) and by PretrainJob in this JVM on the same ImageSet.
 */
public final class TrainerBench {
  public static void main(String[] a) throws Exception {
    Path work = Path.of(a[0]);
    int n = Integer.parseInt(a[1]);
    long steps = Long.parseLong(a[2]);
    int rebuildN = Integer.parseInt(a[3]);
    KafkaStackFixture stack = TestStack.shared();
    Map<String, Object> client = new HashMap<>();
    client.put("bootstrap.servers", stack.bootstrapServers());
    client.put("schema.registry.url", stack.schemaRegistryUrl());
    String run = Long.toHexString(System.currentTimeMillis());
    String domain = "bench-" + run;
    DomainPolicy policy =
        new DomainPolicy(
            "target",
            "none",
            "cpu-small",
            steps,
            (long) n,
            0.0,
            false,
            n,
            0L,
            null,
            null,
            null,
            steps,
            null,
            2000,
            0.02);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      new TopicAdmin(admin).ensure(TopicSpec.images(domain, 1));
    }
    // Warm-up (libtorch kernels, JIT) before either side is timed.
    PretrainConfig warm = policy.pretrainConfig(3);
    new PretrainJob()
        .run(
            new PretrainJob.Request(
                Strategy.TARGET,
                null,
                FashionMnist.train().slice(0, 256).withoutLabels(),
                "warmup",
                "warm-up",
                work.resolve("warmup-" + run),
                warm,
                false,
                ai.djl.Device.cpu()));
    Path store = work.resolve("service-" + run);
    TrainerService service = start(client, "bench-" + run, store, domain, policy);
    awaitRebuilt(service, domain);

    Path idx = idx(work.resolve("images-" + run), FashionMnist.train().slice(0, n));
    KafkaConsumer<String, CheckpointEvent> events = eventsFromNow(client);
    new Ingestor(client).run(IngestConfig.of(domain, List.of(idx)), IngestListener.NONE);
    long acked = System.nanoTime();
    CheckpointEvent event = awaitEvent(events, domain);
    long announced = System.nanoTime();
    double serviceIps = metric(service, "hpt_trainer_images_per_second", domain);
    service.stop();
    service.awaitStopped(Duration.ofMinutes(5));
    double triggerToEvent = (announced - acked) / 1e9;
    CheckpointManifest m =
        new LocalCheckpointStore(store).manifest(event.getCheckpointId()).orElseThrow();

    // The same sample, rebuilt here from the same offsets, and the same job in this JVM.
    ImageSampler sampler = new ImageSampler(n, 0);
    SchemaRegistryClient registry = SchemaRegistryClient.fromConfigs(client);
    AvroDeserializer<ImageBatch> values = AvroDeserializer.specific(registry, ImageBatch.class);
    values.configure(client, false);
    Map<TopicPartition, long[]> ranges = new HashMap<>();
    for (CheckpointManifest.OffsetSpan r : m.data().job().ranges()) {
      ranges.put(new TopicPartition(r.topic(), r.partition()), new long[] {r.start(), r.end()});
    }
    new ImageTopicReader(client)
        .scan(
            ranges,
            Duration.ofMinutes(10),
            rec -> {
              ImageBatch b = values.deserialize(rec.topic(), rec.value());
              try {
                var imgs = ImageRecords.decodeAll(b, org.hptstream.data.ImageLimits.DEFAULT);
                for (int i = 0; i < imgs.size(); i++) {
                  sampler.offer(b.getImages().get(i).getId(), imgs.get(i));
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    boolean sameSample = sampler.digest().equals(m.data().job().sampleSha256());
    PretrainConfig config = policy.pretrainConfig(steps);
    ImageSet data = sampler.snapshot(config.imageSize());
    double[] ips = {0};
    PretrainJob job = new PretrainJob();
    job.addListener(
        new org.hptstream.pretrain.TrainingListener() {
          @Override
          public void onStep(org.hptstream.pretrain.StepReport r) {
            ips[0] = r.imagesPerSecond();
          }
        });
    long t0 = System.nanoTime();
    job.run(
        new PretrainJob.Request(
            Strategy.TARGET,
            null,
            data,
            domain,
            "bench",
            work.resolve("inproc-" + run),
            config,
            false,
            ai.djl.Device.cpu()));
    double inProcess = (System.nanoTime() - t0) / 1e9;

    long rebuildMs = -1;
    if (rebuildN > 0) {
      String big = "bench-rebuild-" + run;
      new Ingestor(client)
          .run(
              IngestConfig.of(
                  big,
                  List.of(
                      idx(
                          work.resolve("rebuild-" + run),
                          FashionMnist.train().slice(0, rebuildN)))),
              IngestListener.NONE);
      DomainPolicy onRequest =
          new DomainPolicy(
              "target",
              "none",
              "cpu-small",
              steps,
              0L,
              0.0,
              true,
              10_000,
              0L,
              null,
              null,
              null,
              null,
              null,
              2000,
              0.02);
      TrainerService s =
          start(client, "bench-rebuild-" + run, work.resolve("r-" + run), big, onRequest);
      rebuildMs = awaitRebuilt(s, big);
      s.stop();
      s.awaitStopped(Duration.ofMinutes(2));
    }

    System.out.printf(
        Locale.ROOT,
        "trainer bench: %d images, %d steps, same sample in both: %s%n"
            + "  service: trigger (last image acknowledged) to committed event %.2f s; job wall time"
            + " in the service %.2f s; %.0f images/s while training%n"
            + "  in-process PretrainJob on the same ImageSet: %.2f s; %.0f images/s%n"
            + "  what the service adds: %.2f s (poll + decode + sample snapshot, gate, checkpoint"
            + " event transaction; the checkpoint writes are in both)%n"
            + "  sample rebuild from the log: %d images in %d ms%n",
        n,
        steps,
        sameSample,
        triggerToEvent,
        event.getWallTimeMs() / 1000.0,
        serviceIps,
        inProcess,
        ips[0],
        triggerToEvent - inProcess,
        rebuildN,
        rebuildMs);
    TestStack.closeShared();
    System.out.printf(
        Locale.ROOT, "RESULT trainer ratio=%.3f target=1.10%n", triggerToEvent / inProcess);
    System.exit(0);
  }

  private static TrainerService start(
      Map<String, Object> client, String group, Path store, String domain, DomainPolicy policy)
      throws Exception {
    TrainerService s =
        new TrainerService(
            new TrainerConfig(
                group,
                "bench",
                store,
                null,
                1,
                null,
                "cpu",
                0,
                1_000L,
                Pattern.quote(domain),
                policy,
                Map.of()),
            client);
    Thread t = new Thread(s::run, "bench-trainer");
    t.setDaemon(true);
    t.start();
    return s;
  }

  private static String get(TrainerService s, String path) throws Exception {
    for (int i = 0; ; i++) {
      try {
        return HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + path))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
      } catch (java.io.IOException e) {
        if (i > 50) throw e;
        Thread.sleep(200);
      }
    }
  }

  private static long awaitRebuilt(TrainerService s, String domain) throws Exception {
    Pattern p =
        Pattern.compile(
            "\"" + Pattern.quote(domain) + "\":\\{\"rebuilt\":true,\"rebuildMs\":(\\d+)");
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = p.matcher(get(s, "/health"));
      if (m.find()) return Long.parseLong(m.group(1));
      Thread.sleep(200);
    }
    throw new IllegalStateException("domain " + domain + " never rebuilt");
  }

  private static double metric(TrainerService s, String name, String domain) throws Exception {
    for (String line : get(s, "/metrics").split("\n")) {
      if (line.startsWith(name) && line.contains("domain=\"" + domain + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }

  private static KafkaConsumer<String, CheckpointEvent> eventsFromNow(Map<String, Object> client) {
    Map<String, Object> c = new HashMap<>(client);
    c.put("isolation.level", "read_committed");
    c.remove("schema.registry.url");
    AvroDeserializer<CheckpointEvent> values =
        AvroDeserializer.specific(SchemaRegistryClient.fromConfigs(client), CheckpointEvent.class);
    values.configure(client, false);
    KafkaConsumer<String, CheckpointEvent> k =
        new KafkaConsumer<>(c, new StringDeserializer(), values);
    List<TopicPartition> parts = List.of(new TopicPartition(TopicNames.CHECKPOINTS, 0));
    k.assign(parts);
    k.seekToEnd(parts);
    parts.forEach(k::position);
    return k;
  }

  private static CheckpointEvent awaitEvent(
      KafkaConsumer<String, CheckpointEvent> k, String domain) {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, CheckpointEvent> r : k.poll(Duration.ofMillis(100))) {
        if (domain.equals(r.key())
            && r.value().getKind() == org.hptstream.schemas.CheckpointKind.FINAL) {
          return r.value();
        }
      }
    }
    throw new IllegalStateException("no checkpoint event for " + domain);
  }

  private static Path idx(Path file, ImageSet set) throws Exception {
    Files.createDirectories(file.getParent());
    Path f = file.resolveSibling(file.getFileName() + "-idx3-ubyte");
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(f))) {
      out.writeInt(0x00000803);
      out.writeInt(set.size());
      out.writeInt(set.height());
      out.writeInt(set.width());
      out.write(set.pixels());
    }
    return f;
  }
}
