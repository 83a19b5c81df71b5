package org.hptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hptstream.trainer.ServiceFixtures.allEvents;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.CheckpointKind;
import org.hptstream.schemas.OffsetRange;
import org.hptstream.stack.JavaProcess;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.hptstream.topics.TopicNames;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGKILL of the service's own JVM at injected points, then a restart: every job is announced
 * exactly once (read_committed), nothing is trained twice, no image is missed, and the durability
 * steps happened in order (write, fsync, rename, directory fsync, then the announcing transaction).
 * The job's periodic checkpoint (step 2 of 4, announced before the kill) is announced at most once
 * and collected once the final checkpoint is announced.
 */
@ExtendWith(TestStackExtension.class)
class TrainerKillTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"mid-step", "after-checkpoint-write", "after-commit"})
  void aKilledServiceAnnouncesEachJobExactlyOnce(String point, KafkaStackFixture stack)
      throws Exception {
    String domain = "kill-" + point;
    String topic = TopicNames.images(domain);
    long end = ServiceFixtures.ingest(stack, tmp, domain, 100, 164).acknowledged().size();
    Path store = tmp.resolve("checkpoints");
    Path trace = tmp.resolve("trace.txt");
    Path log = tmp.resolve("trainer.log");

    JavaProcess first = launch(stack, store, trace, log, domain, point);
    awaitOrDie(
        first,
        () ->
            Files.exists(Path.of(trace + ".at-" + point))
                && !ofKind(allEvents(stack, domain), CheckpointKind.PERIODIC).isEmpty(),
        "fault point " + point + " with the periodic checkpoint announced");
    first.handle().destroyForcibly(); // SIGKILL
    first.handle().onExit().get();
    int eventsAtKill = allEvents(stack, domain).size();
    List<CheckpointEvent> periodicAtKill =
        ofKind(allEvents(stack, domain), CheckpointKind.PERIODIC);

    JavaProcess second = launch(stack, store, trace, log, domain, null);
    try {
      awaitOrDie(
          second,
          () ->
              count(log, "sample rebuilt from the log") >= 2
                  && !ofKind(allEvents(stack, domain), CheckpointKind.FINAL).isEmpty(),
          "the restarted service's announcement");
      // Let the restarted service settle: a duplicate would show up in the next polls.
      Thread.sleep(3_000);
    } finally {
      assertThat(second.stop(Duration.ofMinutes(2))).as("clean SIGTERM stop").isTrue();
    }

    List<CheckpointEvent> all = allEvents(stack, domain);
    List<CheckpointEvent> events = ofKind(all, CheckpointKind.FINAL);
    List<CheckpointEvent> periodic = ofKind(all, CheckpointKind.PERIODIC);
    List<CheckpointManifest> left =
        new LocalCheckpointStore(store)
            .list().stream().filter(m -> m.domain().equals(domain)).toList();
    List<CheckpointManifest> finals = left.stream().filter(m -> m.steps() == 4).toList();
    long duplicates = events.size() - ServiceFixtures.jobIds(events).size();
    System.out.printf(
        "KILL-TEST point=%s kills=1 eventsAtKill=%d eventsCommitted=%d duplicates=%d"
            + " finalCheckpoints=%d periodicEvents=%d checkpointsLeft=%d%n",
        point,
        eventsAtKill,
        events.size(),
        duplicates,
        finals.size(),
        periodic.size(),
        left.size());

    assertThat(events).as("exactly one committed event").hasSize(1);
    CheckpointEvent e = events.get(0);
    assertThat(finals).as("the job was not trained twice").hasSize(1);
    assertThat(e.getCheckpointId()).isEqualTo(finals.get(0).id());
    // No image missed: the job's input is the whole topic, and the group's offsets moved past it.
    assertThat(e.getProvenance()).containsExactly(new OffsetRange(topic, 0, 0L, end));
    assertThat(
            ServiceFixtures.committed(stack, "kill-group-" + point)
                .get(new TopicPartition(topic, 0))
                .offset())
        .isEqualTo(end);
    if (point.equals("mid-step")) {
      assertThat(read(log)).contains("resumes from its latest checkpoint");
      assertThat(read(log)).contains("identical to the recorded one");
    }
    if (point.equals("after-checkpoint-write")) {
      assertThat(read(log)).contains("was never announced; announcing it now");
    }
    List<String> steps = Files.readAllLines(trace);
    assertDurableBeforeAnnounced(steps, e.getCheckpointId());

    // The periodic checkpoint: announced once, before the kill, never again after the restart.
    assertThat(periodic).as("periodic events after the restart").isEqualTo(periodicAtKill);
    assertThat(periodic).hasSize(1);
    CheckpointEvent p = periodic.get(0);
    assertThat(p.getSteps()).isEqualTo(2);
    assertThat(p.getJobId()).isEqualTo(e.getJobId());
    assertThat(p.getProvenance()).isEqualTo(e.getProvenance());
    assertDurableBeforeAnnounced(steps, p.getCheckpointId());
    assertThat(steps.stream().filter(s -> s.equals("announce " + p.getCheckpointId()))).hasSize(1);
    // Once the final one is announced nothing resumes from it: collected, the final kept.
    assertThat(left).extracting(CheckpointManifest::id).containsExactly(e.getCheckpointId());
    assertThat(steps).contains("delete " + p.getCheckpointId());
  }

  private static List<CheckpointEvent> ofKind(List<CheckpointEvent> events, CheckpointKind kind) {
    return events.stream().filter(e -> e.getKind() == kind).toList();
  }

  /** write f, fsync f for every file, then rename, directory fsync, and only then announce. */
  private static void assertDurableBeforeAnnounced(List<String> fullTrace, String id) {
    int announce = fullTrace.indexOf("announce " + id);
    assertThat(announce)
        .as("announcement after the rename")
        .isGreaterThan(fullTrace.indexOf("rename " + id));
    // The store's own steps (the poll thread's announcements may interleave with a job's write).
    List<String> trace =
        fullTrace.stream()
            .filter(l -> !l.startsWith("announce") && !l.startsWith("delete "))
            .toList();
    int rename = trace.indexOf("rename " + id);
    assertThat(rename).as("rename of %s in %s", id, trace).isPositive();
    assertThat(trace.get(rename + 1))
        .as("directory fsync right after the rename")
        .startsWith("fsync-dir ");
    assertThat(trace.get(rename - 1))
        .as("temp directory fsync before the rename")
        .startsWith("fsync-dir ");
    // The steps of this checkpoint's write: back to the previous rename.
    int from = rename - 1;
    while (from > 0 && !trace.get(from - 1).startsWith("fsync-dir ")) {
      from--;
    }
    List<String> written = new ArrayList<>();
    for (String step : trace.subList(from, rename - 1)) {
      if (step.startsWith("write ")) {
        written.add(step.substring(6));
      } else if (step.startsWith("fsync ")) {
        assertThat(written).as("fsync after its write").contains(step.substring(6));
        written.remove(step.substring(6));
      }
    }
    assertThat(written).as("every file fsync'd before the rename").isEmpty();
    assertThat(trace.subList(from, rename)).contains("fsync manifest.json", "fsync backbone.npz");
  }

  private static JavaProcess launch(
      KafkaStackFixture stack, Path store, Path trace, Path log, String domain, String fault) {
    List<String> jvm = new ArrayList<>();
    jvm.add("-Xmx768m");
    jvm.add("-Dai.djl.offline=true");
    jvm.add("-Dai.djl.pytorch.num_threads=1");
    jvm.add("-Dai.djl.pytorch.num_interop_threads=1");
    jvm.add("-D" + FaultHooks.TRACE_PROPERTY + "=" + trace);
    if (fault != null) {
      jvm.add("-D" + FaultHooks.FAULT_PROPERTY + "=" + fault);
    }
    jvm.add("-cp");
    jvm.add(System.getProperty("java.class.path"));
    jvm.add(TrainerCommand.class.getName());
    String point = domain.substring("kill-".length());
    List<String> args =
        List.of(
            "-b", stack.bootstrapServers(),
            "--schema-registry-url", stack.schemaRegistryUrl(),
            "--checkpoints", store.toString(),
            "--group", "kill-group-" + point,
            "--instance-id", "kill",
            "--domains", java.util.regex.Pattern.quote(domain),
            "--strategy", "target",
            "--parent", "none",
            "--profile", "cpu-small",
            "--steps", "4",
            "--every-images", "64",
            "--every-minutes", "0",
            "--sample-size", "256",
            "--seed", "7",
            "--batch-size", "16",
            "--queue-size", "128",
            "--image-size", "16",
            "--checkpoint-every", "2",
            "--device", "cpu",
            "--http-port", "-1");
    return JavaProcess.launch("trainer", jvm, args, log);
  }

  private static void awaitOrDie(JavaProcess p, BooleanSupplier done, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!done.getAsBoolean()) {
      if (!p.isAlive()) {
        throw new AssertionError("the service died before " + what + "; see " + p.log());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within 3 minutes; see " + p.log());
      }
      Thread.sleep(200);
    }
  }

  private static int count(Path log, String text) {
    return (int) read(log).lines().filter(l -> l.contains(text)).count();
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
