package org.hptstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.hptstream.stack.FreePort;
import org.hptstream.stack.RegistryProcess;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user of {@code hpt ingest} sees when the registry is down as the command starts and comes
 * up a few seconds later: a line per retry on stderr, one when it answers again, then the usual
 * summary. (The command's log shows errors only, so the WARN log of the retries alone is unseen.)
 */
@ExtendWith(TestStackExtension.class)
class RegistryOutageOutputTest {
  @TempDir Path tmp;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void retriesAndTheRecoveryAreShownOnStderr(KafkaStackFixture stack) throws Exception {
    Path[] idx = TestData.idxSlice(tmp, 50, 50);
    int port = FreePort.pick();
    RegistryProcess.Settings settings =
        new RegistryProcess.Settings(
            port,
            tmp.resolve("registry"),
            tmp.resolve("registry.log"),
            RegistryProcess.DEFAULT_JVM,
            false);
    AtomicReference<RegistryProcess> registry = new AtomicReference<>();
    CompletableFuture<Void> back =
        CompletableFuture.runAsync(
            () -> {
              try {
                Thread.sleep(4_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              registry.set(RegistryProcess.start(settings).awaitReady(Duration.ofMinutes(3)));
            });
    TestData.CommandRun run;
    try {
      run =
          TestData.ingestCommand(
              "--domain",
              "registry-outage",
              "--no-progress",
              "--bootstrap-servers",
              stack.bootstrapServers(),
              "--schema-registry-url",
              RegistryProcess.urlFor(port),
              "-X",
              "schema.registry.max.attempts=12",
              idx[0].toString());
    } finally {
      back.join();
      registry.get().close();
    }
    String output = run.stderr();
    System.out.print(output);
    assertThat(run.exit()).as(output).isZero();
    assertThat(output)
        .containsPattern(
            "hpt: schema registry \\[http://127.0.0.1:"
                + port
                + "\\S*\\] did not answer \\(\\w+, attempt 1 of 12\\); retrying in 0.1 s")
        .containsPattern("hpt: schema registry \\[\\S+\\] answers again \\(attempt \\d+, after")
        .contains("ingested 50 images");
  }
}
