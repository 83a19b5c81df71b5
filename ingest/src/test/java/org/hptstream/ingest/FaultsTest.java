package org.hptstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hptstream.schemas.Image;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.stack.BrokerProcess;
import org.hptstream.stack.FreePort;
import org.hptstream.stack.RegistryProcess;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults during an ingest, against real processes: the single broker killed (SIGKILL) and restarted
 * in the middle of sending, and the registry down when the ingest starts. Nothing acknowledged may
 * be lost, nothing may be written twice, and the ingest must finish by itself. Each case prints a
 * {@code FAULT} line that {@code ops/bench/faults/run} counts over many runs (with the registry
 * down for {@code -Dhpt.faults.registryDownSeconds}, default 5).
 */
@ExtendWith(TestStackExtension.class)
class FaultsTest {
  private static final int IMAGES = 2_000;
  private static final int RUNS = Integer.getInteger("hpt.faults.runs", 1);
  private static final int REGISTRY_DOWN_SECONDS =
      Integer.getInteger("hpt.faults.registryDownSeconds", 5);

  @TempDir Path tmp;

  @Test
  void brokerRestartDuringAnIngestLosesAndDuplicatesNothing(KafkaStackFixture shared)
      throws Exception {
    BrokerProcess.Settings settings =
        new BrokerProcess.Settings(
            tmp.resolve("broker"),
            FreePort.pick(),
            FreePort.pick(),
            tmp.resolve("broker.log"),
            List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"));
    AtomicReference<BrokerProcess> broker = new AtomicReference<>(BrokerProcess.start(settings));
    List<String> outcomes = new ArrayList<>();
    try {
      String bootstrap = broker.get().bootstrapServers();
      KafkaStackFixture stack = KafkaStackFixture.of(bootstrap, shared.schemaRegistryUrl());
      Path[] idx = TestData.idxSlice(tmp, IMAGES, IMAGES);
      for (int run = 0; run < RUNS; run++) {
        broker
            .get()
            .process()
            .awaitReady(bootstrap, () -> BrokerProcess.answers(bootstrap), Duration.ofMinutes(2));
        CompletableFuture<Void> restarted = new CompletableFuture<>();
        AtomicInteger acks = new AtomicInteger();
        IngestListener killAtTheTenthBatch =
            new IngestListener() {
              @Override
              public void onBatchAcknowledged(BatchReport batch) {
                if (acks.incrementAndGet() == 10) {
                  // Killed at once (no clean shutdown); started again on another thread.
                  broker.get().process().handle().destroyForcibly();
                  CompletableFuture.runAsync(
                      () -> {
                        broker.get().process().handle().onExit().join();
                        broker.set(BrokerProcess.start(settings));
                        restarted.complete(null);
                      });
                }
              }
            };
        String domain = "fault-broker-" + run;
        IngestConfig config = IngestConfig.of(domain, List.of(idx[0])).withMaxBatchBytes(4 * 1024);
        IngestResult result =
            new Ingestor(TestData.clientConfig(stack)).run(config, killAtTheTenthBatch);
        if (acks.get() >= 10) {
          restarted.join(); // killed mid-ingest: wait until it is back for the next run
        }
        outcomes.add(report("broker-restart", result, stack, "hpt.images." + domain));
      }
    } finally {
      broker.get().close();
    }
    assertThat(outcomes).allMatch(o -> o.endsWith("clean"));
  }

  @Test
  void registryDownWhenTheIngestStartsIsRiddenOut(KafkaStackFixture shared) throws Exception {
    Path[] idx = TestData.idxSlice(tmp, IMAGES, IMAGES);
    List<String> outcomes = new ArrayList<>();
    for (int run = 0; run < RUNS; run++) {
      int port = FreePort.pick();
      RegistryProcess.Settings settings =
          new RegistryProcess.Settings(
              port,
              tmp.resolve("registry-" + run),
              tmp.resolve("registry-" + run + ".log"),
              RegistryProcess.DEFAULT_JVM,
              false);
      String url = RegistryProcess.urlFor(port);
      AtomicReference<RegistryProcess> registry = new AtomicReference<>();
      CompletableFuture<Void> back =
          CompletableFuture.runAsync(
              () -> {
                sleep(REGISTRY_DOWN_SECONDS);
                registry.set(RegistryProcess.start(settings).awaitReady(Duration.ofMinutes(3)));
              });
      try {
        KafkaStackFixture stack = KafkaStackFixture.of(shared.bootstrapServers(), url);
        Map<String, Object> client = new HashMap<>(TestData.clientConfig(stack));
        // Retries with doubling backoff from 100 ms: 12 attempts wait up to ~200 s in all.
        client.put("schema.registry.max.attempts", "12");
        String domain = "fault-registry-" + run;
        IngestConfig config = IngestConfig.of(domain, List.of(idx[0])).withMaxBatchBytes(64 * 1024);
        IngestResult result = new Ingestor(client).run(config, IngestListener.NONE);
        outcomes.add(report("registry-down", result, stack, "hpt.images." + domain));
      } finally {
        back.join();
        registry.get().close();
      }
    }
    assertThat(outcomes).allMatch(o -> o.endsWith("clean"));
  }

  /**
   * Prints and returns what was acknowledged, what the topic holds, what was lost or written twice;
   * ends with "clean" when nothing was.
   */
  private static String report(
      String fault, IngestResult result, KafkaStackFixture stack, String topic) {
    List<ConsumerRecord<String, ImageBatch>> records = TestData.readAll(stack, topic);
    Set<String> ids = new HashSet<>();
    int images = 0;
    for (ConsumerRecord<String, ImageBatch> r : records) {
      for (Image img : r.value().getImages()) {
        images++;
        ids.add(img.getId());
      }
    }
    int lost = Math.max(0, result.imagesAcknowledged() - ids.size());
    int duplicated = images - ids.size();
    boolean clean =
        result.success() && result.imagesAcknowledged() == IMAGES && lost == 0 && duplicated == 0;
    String line =
        String.format(
            "FAULT %s acknowledged=%d read=%d lost=%d duplicated=%d success=%s %s",
            fault,
            result.imagesAcknowledged(),
            images,
            lost,
            duplicated,
            result.success(),
            clean ? "clean" : "NOT CLEAN");
    System.out.println(line);
    return line;
  }

  private static void sleep(int seconds) {
    try {
      Thread.sleep(seconds * 1000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
