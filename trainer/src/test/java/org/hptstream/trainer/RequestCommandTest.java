package org.hptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hptstream.trainer.ServiceFixtures.events;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hpt request --wait} against the running service: the job it caused and its event. */
@ExtendWith(TestStackExtension.class)
class RequestCommandTest {
  @TempDir Path tmp;

  @Test
  void waitPrintsTheJobAndItsCommittedCheckpointEvent(KafkaStackFixture stack) throws Exception {
    String domain = "req-wait";
    ServiceFixtures.ingest(stack, tmp, domain, 900, 964);
    TrainerService service =
        new TrainerService(
            ServiceFixtures.config(
                "req-wait-group",
                tmp.resolve("checkpoints"),
                domain,
                ServiceFixtures.tinyPolicy(3, 0)), // only on request
            ServiceFixtures.clientConfig(stack));
    new Thread(service::run, "trainer-req-wait").start();
    Run run;
    try {
      run =
          request(stack, "--domain", domain, "--strategy", "target", "--wait", "--timeout", "PT4M");
    } finally {
      service.stop();
      assertThat(service.awaitStopped(Duration.ofMinutes(2))).isTrue();
    }
    assertThat(run.exit).as(run.err).isZero();
    List<String> lines = run.out.lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).matches("request [0-9a-f-]{36}");
    String requestId = lines.get(0).substring("request ".length());
    List<CheckpointEvent> events = events(stack, domain);
    assertThat(events).hasSize(1);
    CheckpointEvent event = events.get(0);
    assertThat(event.getRequestId()).isEqualTo(requestId);
    assertThat(lines.get(1)).isEqualTo("job " + event.getJobId());
    assertThat(lines.get(2))
        .contains("\"checkpointId\": \"" + event.getCheckpointId() + "\"")
        .contains("\"requestId\": \"" + requestId + "\"");
  }

  @Test
  void waitWithoutATrainerTimesOutWithAClearErrorAndExitOne(KafkaStackFixture stack) {
    Run run =
        request(
            stack, "--domain", "req-nobody", "--strategy", "hpt", "--wait", "--timeout", "PT2S");
    assertThat(run.exit).isEqualTo(1);
    assertThat(run.out).startsWith("request ");
    assertThat(run.err)
        .startsWith("hpt request: no checkpoint event for request ")
        .contains("within PT2S")
        .contains("req-nobody");
    Run bad = request(stack, "--domain", "../etc", "--wait");
    assertThat(bad.exit).isEqualTo(2);
    assertThat(bad.out).isEmpty();
  }

  private record Run(int exit, String out, String err) {}

  private static Run request(KafkaStackFixture stack, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new RequestCommand());
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 4];
    all[0] = "--bootstrap-servers";
    all[1] = stack.bootstrapServers();
    all[2] = "--schema-registry-url";
    all[3] = stack.schemaRegistryUrl();
    System.arraycopy(args, 0, all, 4, args.length);
    int exit = cmd.execute(all);
    return new Run(exit, out.toString(), err.toString());
  }
}
