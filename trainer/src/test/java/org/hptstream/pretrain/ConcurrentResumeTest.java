package org.hptstream.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.strategy.Strategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TARGET, HPT and HPT-BN jobs stopped part-way and resumed at the same time, each in its own JVM
 * (as after a crash or a rebalance), finish with every tensor bit-identical to uninterrupted runs.
 * The resumed processes collect garbage after every step, so a restored tensor that still pointed
 * into a freed checkpoint buffer would read or corrupt released memory.
 */
class ConcurrentResumeTest {
  private static final long STEPS = 6;
  private static final long STOP_AFTER = 2; // off the checkpoint grid (every 3 steps)

  @TempDir Path tmp;

  static PretrainConfig config(long steps) {
    return TinyJobs.config(steps).withCheckpointEvery(3);
  }

  static PretrainJob.Request request(
      Strategy s, Path parent, Path out, PretrainConfig c, boolean resume) {
    return new PretrainJob.Request(
        s, parent, TinyJobs.data(), "fashion-mnist", "t10k[0:1024]", out, c, resume, null);
  }

  @Test
  void concurrentResumesFinishBitIdenticalToUninterruptedJobs() throws Exception {
    Path parent =
        new PretrainJob()
            .run(request(Strategy.TARGET, null, tmp.resolve("base"), TinyJobs.config(2), false))
            .checkpoint();
    List<Strategy> strategies = List.of(Strategy.TARGET, Strategy.HPT, Strategy.HPT_BN);
    Map<Strategy, String> uninterrupted = new java.util.EnumMap<>(Strategy.class);
    for (Strategy s : strategies) {
      Path p = s == Strategy.TARGET ? null : parent;
      uninterrupted.put(
          s, new PretrainJob().run(request(s, p, store("a", s), config(STEPS), false)).id());
      PretrainJob first = new PretrainJob();
      first.addListener(
          new TrainingListener() {
            @Override
            public void onStep(StepReport r) {
              if (r.step() == STOP_AFTER) first.requestStop();
            }
          });
      assertThat(first.run(request(s, p, store("b", s), config(STEPS), false)).steps())
          .isEqualTo(STOP_AFTER);
    }

    List<Process> children = new ArrayList<>();
    for (Strategy s : strategies) {
      children.add(resume(s, s == Strategy.TARGET ? null : parent));
    }
    for (int i = 0; i < strategies.size(); i++) {
      Strategy s = strategies.get(i);
      Process p = children.get(i);
      boolean done = p.waitFor(5, TimeUnit.MINUTES);
      if (!done) p.destroyForcibly();
      assertThat(done && p.exitValue() == 0)
          .as("resumed %s exited %s:%n%s", s, done ? p.exitValue() : "(timeout)", log(s))
          .isTrue();
    }
    for (Strategy s : strategies) {
      String resumed =
          new LocalCheckpointStore(store("b", s))
              .list().stream()
                  .filter(m -> m.scalars().get(JobCheckpoints.STEP) == STEPS)
                  .findFirst()
                  .orElseThrow()
                  .id();
      PretrainJobTest.assertSameState(
          store("a", s), uninterrupted.get(s), store("b", s), resumed, config(STEPS).arch());
    }
  }

  private Path store(String run, Strategy s) {
    return tmp.resolve(run + "-" + s.cliName());
  }

  private Path logFile(Strategy s) {
    return tmp.resolve("resume-" + s.cliName() + ".log");
  }

  private Process resume(Strategy s, Path parent) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-Xmx512m",
            "-Dai.djl.offline=true",
            // each process its share of the cores (libtorch defaults to all of them)
            "-Dai.djl.pytorch.num_threads=1",
            "-Dai.djl.pytorch.num_interop_threads=1",
            "-XX:ErrorFile=" + tmp.resolve("hs_err_" + s.cliName() + "_%p.log"),
            "-cp",
            System.getProperty("java.class.path"),
            ResumeWorker.class.getName(),
            s.cliName(),
            parent == null ? "none" : parent.toString(),
            store("b", s).toString(),
            Long.toString(STEPS)));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(logFile(s).toFile())
        .start();
  }

  private String log(Strategy s) {
    try {
      List<String> lines = Files.readAllLines(logFile(s));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
