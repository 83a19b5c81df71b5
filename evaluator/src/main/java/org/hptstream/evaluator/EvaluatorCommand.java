package org.hptstream.evaluator;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hptstream.clients.ClientOptions;
import org.hptstream.leaderboard.LeaderboardConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hpt evaluator}: the evaluator service, until SIGTERM. */
@Command(
    name = "evaluator",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate every checkpoint announced on hpt.checkpoints (consumer group, read_committed): resolve it by id"
          + " in the configured store, verify it, run the configured protocols on the domain's labelled splits and"
          + " commit the metric events with the consumed offsets in one transaction.",
      "Also runs the leaderboard (Kafka Streams) and serves /health, /metrics, the JSON API and the page on"
          + " http://<httpBind>:<httpPort>/. Configuration: a YAML file (see evaluator/README.md)."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:stopped", "2:bad configuration"})
public final class EvaluatorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Option(
      names = {"-c", "--config"},
      required = true,
      description = "YAML configuration file.")
  Path config;

  @Option(names = "--http-port", description = "Override the configuration's httpPort.")
  Integer httpPort;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    EvaluatorServiceConfig c;
    try {
      c = EvaluatorServiceConfig.load(config);
      if (httpPort != null) {
        c = c.withHttpPort(httpPort);
      }
    } catch (IOException | IllegalArgumentException e) {
      err.println("hpt evaluator: bad configuration: " + e.getMessage());
      return 2;
    }
    // libtorch reads its thread counts once, at first use: this process's budget.
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(c.threads()));
    System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(c.threads()));
    CountDownLatch closed = new CountDownLatch(1);
    try (EvaluatorApp app =
        EvaluatorApp.start(c, LeaderboardConfig.defaults(c.stateDir()), client.clientConfig())) {
      err.println("hpt evaluator: serving http://" + c.httpBind() + ":" + app.port() + "/");
      err.flush();
      // SIGTERM: the current evaluation finishes and commits, then everything closes cleanly.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      app.stop(Duration.ofMinutes(2));
                      closed.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  "hpt-evaluator-shutdown"));
      app.run();
    } finally {
      closed.countDown();
    }
    return 0;
  }

  /** Runs the command outside the {@code hpt} launcher (a child process in tests). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new EvaluatorCommand()).execute(args));
  }
}
