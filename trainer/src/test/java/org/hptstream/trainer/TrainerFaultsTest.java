package org.hptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.OffsetRange;
import org.hptstream.stack.BrokerProcess;
import org.hptstream.stack.FreePort;
import org.hptstream.stack.RegistryProcess;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.hptstream.topics.TopicNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults during a training job of the trainer service (in this JVM), against real processes: the
 * single broker killed (SIGKILL) while a job trains and started again; the registry stopped while a
 * job trains and started again after {@code -Dhpt.faults.registryDownSeconds} (default 5). The
 * service is not restarted. Each run then ingests more images, which must become a second job: the
 * service has recovered by itself. Nothing acknowledged may be lost (every ingested record is in
 * the provenance of an announced checkpoint, and the group's committed offset is the topic's end),
 * nothing announced twice (one event per job, provenances disjoint), no dead letter. Each run
 * prints a {@code FAULT} line that {@code ops/bench/faults/run} counts over {@code
 * -Dhpt.faults.runs} runs.
 */
@ExtendWith(TestStackExtension.class)
class TrainerFaultsTest {
  private static final int RUNS = Integer.getInteger("hpt.faults.runs", 1);
  private static final int REGISTRY_DOWN_SECONDS =
      Integer.getInteger("hpt.faults.registryDownSeconds", 5);
  private static final int IMAGES = 64;
  private static final int STEPS = 12;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tmp;

  @Test
  void brokerRestartDuringATrainingJobLosesAndAnnouncesNothingTwice(KafkaStackFixture shared)
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
      for (int run = 0; run < RUNS; run++) {
        broker
            .get()
            .process()
            .awaitReady(bootstrap, () -> BrokerProcess.answers(bootstrap), Duration.ofMinutes(2));
        String domain = "tfault-broker-" + run;
        outcomes.add(
            runWithFault(
                "trainer-broker-restart",
                stack,
                domain,
                checkpoints -> {
                  broker.get().process().handle().destroyForcibly();
                  broker.get().process().handle().onExit().join();
                  broker.set(BrokerProcess.start(settings));
                }));
      }
    } finally {
      broker.get().close();
    }
    assertThat(outcomes).allMatch(o -> o.endsWith("clean"));
  }

  @Test
  void registryDownDuringATrainingJobIsRiddenOut(KafkaStackFixture shared) throws Exception {
    int port = FreePort.pick();
    // Its storage outlives the process: ids of schemas already in the topic stay valid.
    RegistryProcess.Settings settings =
        new RegistryProcess.Settings(
            port,
            tmp.resolve("registry"),
            tmp.resolve("registry.log"),
            RegistryProcess.DEFAULT_JVM,
            false);
    AtomicReference<RegistryProcess> registry =
        new AtomicReference<>(RegistryProcess.start(settings).awaitReady(Duration.ofMinutes(3)));
    List<String> outcomes = new ArrayList<>();
    try {
      KafkaStackFixture stack =
          KafkaStackFixture.of(shared.bootstrapServers(), RegistryProcess.urlFor(port));
      for (int run = 0; run < RUNS; run++) {
        String domain = "tfault-registry-" + run;
        outcomes.add(
            runWithFault(
                "trainer-registry-down",
                stack,
                domain,
                checkpoints -> {
                  registry.get().close();
                  // Down at least until the job has finished and tried to announce itself.
                  await()
                      .atMost(Duration.ofMinutes(4))
                      .until(() -> finalCheckpointWritten(checkpoints));
                  sleep(REGISTRY_DOWN_SECONDS);
                  registry.set(RegistryProcess.start(settings).awaitReady(Duration.ofMinutes(3)));
                }));
      }
    } finally {
      registry.get().close();
    }
    assertThat(outcomes).allMatch(o -> o.endsWith("clean"));
  }

  /**
   * Ingests, starts the service, runs {@code fault} (on another thread) once the job trains, then
   * ingests again and waits for the second job's event; stops the service and reports.
   */
  private String runWithFault(
      String fault,
      KafkaStackFixture stack,
      String domain,
      java.util.function.Consumer<Path> inject)
      throws Exception {
    Path dir = java.nio.file.Files.createDirectories(tmp.resolve(domain));
    ServiceFixtures.ingest(stack, dir, domain, 0, IMAGES);
    TrainerConfig config =
        new TrainerConfig(
            domain + "-group",
            "it",
            dir.resolve("checkpoints"),
            null,
            1,
            null,
            "cpu",
            0,
            1_000L,
            java.util.regex.Pattern.quote(domain),
            ServiceFixtures.tinyPolicy(STEPS, IMAGES),
            Map.of());
    TrainerService service = new TrainerService(config, ServiceFixtures.clientConfig(stack));
    Thread poll = new Thread(service::run, "trainer-under-fault");
    poll.start();
    CompletableFuture<Void> faultDone;
    try {
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> health(service).contains("\"jobsRunning\":1"));
      faultDone = CompletableFuture.runAsync(() -> inject.accept(config.checkpoints()));
      faultDone.join();
      await()
          .atMost(Duration.ofMinutes(4))
          .ignoreExceptions() // the broker may be down
          .until(() -> ServiceFixtures.events(stack, domain).size() >= 1);
      // The same service, not restarted, takes the next images as a new job.
      ServiceFixtures.ingest(stack, dir, domain, IMAGES, 2 * IMAGES);
      await()
          .atMost(Duration.ofMinutes(4))
          .ignoreExceptions()
          .until(() -> ServiceFixtures.events(stack, domain).size() >= 2);
    } finally {
      service.stop();
      assertThat(service.awaitStopped(Duration.ofMinutes(2))).isTrue();
    }
    return report(fault, stack, domain, config.groupId());
  }

  /**
   * Prints and returns what was ingested, announced and committed, what was lost or announced
   * twice; ends with "clean" when nothing was.
   */
  private static String report(String fault, KafkaStackFixture stack, String domain, String group)
      throws Exception {
    String topic = TopicNames.images(domain);
    long end = ServiceFixtures.readCommitted(stack, topic, bytes(), bytes()).size();
    List<CheckpointEvent> events = ServiceFixtures.events(stack, domain);
    // A later job's sample may cover earlier records again: that is not a duplicate. Announcing
    // one job or one checkpoint twice is.
    Set<Long> covered = new HashSet<>();
    for (CheckpointEvent e : events) {
      for (OffsetRange r : e.getProvenance()) {
        for (long o = r.getStartOffset(); o < r.getEndOffset(); o++) {
          covered.add(o);
        }
      }
    }
    int twice =
        (events.size() - ServiceFixtures.jobIds(events).size())
            + (events.size()
                - (int) events.stream().map(CheckpointEvent::getCheckpointId).distinct().count());
    long lost = 0;
    for (long o = 0; o < end; o++) {
      if (!covered.contains(o)) {
        lost++;
      }
    }
    OffsetAndMetadata committed =
        ServiceFixtures.committed(stack, group).get(new TopicPartition(topic, 0));
    long committedOffset = committed == null ? -1 : committed.offset();
    int deadLetters = ServiceFixtures.raw(stack, TopicNames.deadLetter(topic)).size();
    boolean clean =
        events.size() == 2 && lost == 0 && twice == 0 && committedOffset == end && deadLetters == 0;
    String line =
        String.format(
            "FAULT %s records=%d events=%d committed=%d dead-letters=%d lost=%d duplicated=%d %s",
            fault,
            end,
            events.size(),
            committedOffset,
            deadLetters,
            lost,
            twice,
            clean ? "clean" : "NOT CLEAN");
    System.out.println(line);
    return line;
  }

  private static org.apache.kafka.common.serialization.ByteArrayDeserializer bytes() {
    return new org.apache.kafka.common.serialization.ByteArrayDeserializer();
  }

  /** Whether a job's final checkpoint (of {@link ServiceFixtures#tinyPolicy}) is on disk. */
  private static boolean finalCheckpointWritten(Path checkpoints) throws java.io.IOException {
    if (!java.nio.file.Files.isDirectory(checkpoints)) {
      return false;
    }
    try (var dirs = java.nio.file.Files.list(checkpoints)) {
      return dirs.anyMatch(
          d ->
              d.getFileName().toString().contains("-target-" + STEPS + "-")
                  && java.nio.file.Files.exists(d.resolve("manifest.json")));
    }
  }

  private static String health(TrainerService service) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + service.httpPort() + "/health"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      return "";
    }
  }

  private static void sleep(int seconds) {
    try {
      Thread.sleep(seconds * 1000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
