package org.hptstream.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hptstream.clients.AvroPublisher;
import org.hptstream.data.FashionMnist;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the evaluator (a real child process) in the middle of an evaluation, then a
 * restart: exactly one committed set of metric events for the checkpoint, nothing lost, nothing
 * twice.
 */
@ExtendWith(TestStackExtension.class)
class EvaluatorKillTest {
  @TempDir Path tmp;

  @Test
  void killNineMidEvaluationThenRestartCommitsExactlyOneSet(KafkaStackFixture stack)
      throws Exception {
    String domain = "kill-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> clients = ServiceFixtures.clients(stack);
    Path store = tmp.resolve("store");
    String id = ServiceFixtures.pretrain(store, domain, "target", null, 2);
    ServiceFixtures.ingestLabelled(
        clients,
        domain,
        FashionMnist.train().slice(40000, 40300),
        FashionMnist.test().slice(200, 400));
    Path config = tmp.resolve("evaluator.yaml");
    // A long linear probe: the kill lands while it runs.
    Files.writeString(
        config,
        String.join(
            "\n",
            "checkpointStore: " + store,
            "groupId: kill-" + domain,
            "instanceId: only",
            "protocols: [linear, knn]",
            "probeSteps: 3000",
            "knnK: 20",
            "threads: 1",
            "httpPort: 0",
            "leaderboard: false",
            ""));
    ServiceFixtures.startGroupAtEnd(clients, "kill-" + domain);
    try (AvroPublisher<CheckpointEvent> p = ServiceFixtures.checkpoints(clients)) {
      p.publish(domain, ServiceFixtures.event(store, id));
    }

    Path log1 = tmp.resolve("first.log");
    Process first = start(stack, config, log1);
    try {
      await()
          .atMost(Duration.ofMinutes(3))
          .until(() -> Files.readString(log1).contains("evaluating checkpoint " + id));
      Thread.sleep(2000); // inside the probe
      assertThat(Files.readString(log1)).doesNotContain("evaluated checkpoint " + id);
      first.destroyForcibly(); // SIGKILL
      first.waitFor();
    } finally {
      first.destroyForcibly();
    }
    assertThat(ServiceFixtures.metrics(clients, domain)).isEmpty();

    Path log2 = tmp.resolve("second.log");
    Process second = start(stack, config, log2);
    try {
      await()
          .atMost(Duration.ofMinutes(4))
          .until(() -> Files.readString(log2).contains("evaluated checkpoint " + id));
      second.destroy(); // SIGTERM: graceful
      second.waitFor();
    } finally {
      second.destroyForcibly();
    }
    List<MetricEvent> metrics = ServiceFixtures.metrics(clients, domain);
    Map<String, Long> perMetric =
        metrics.stream()
            .collect(
                Collectors.groupingBy(
                    m -> m.getStrategy() + " " + m.getMetric(), Collectors.counting()));
    assertThat(perMetric).containsEntry("TARGET linear-top1", 1L);
    assertThat(perMetric).containsEntry("BASE linear-top1", 1L);
    assertThat(perMetric).containsEntry("TARGET knn-top1", 1L);
    assertThat(perMetric.values()).allMatch(n -> n == 1L);
  }

  private static Process start(KafkaStackFixture stack, Path config, Path log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-Dorg.apache.logging.log4j.level=INFO");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(EvaluatorCommand.class.getName());
    cmd.addAll(
        List.of(
            "--config", config.toString(),
            "--bootstrap-servers", stack.bootstrapServers(),
            "--schema-registry-url", stack.schemaRegistryUrl()));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
