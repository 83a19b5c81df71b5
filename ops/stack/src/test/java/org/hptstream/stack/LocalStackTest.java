package org.hptstream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hpt stack} against a real broker process and a real registry process. */
class LocalStackTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private LocalStack stack;

  @AfterEach
  void tearDown() {
    if (stack != null) {
      stack.down(new PrintStream(new ByteArrayOutputStream()));
    }
  }

  private LocalStack.Config config(Duration timeout) {
    return new LocalStack.Config(dir, FreePort.pick(), FreePort.pick(), FreePort.pick(), timeout);
  }

  @Test
  void upSurvivesTheCliIsIdempotentAndKeepsSchemaIdsAcrossRestart() throws Exception {
    LocalStack.Config config = config(Duration.ofSeconds(180));
    stack = new LocalStack(config);

    // `up` from its own JVM, like `hpt stack up`: the stack must outlive that JVM.
    Process cli = runCli(config);
    // A concurrent `up` waits for the processes being started instead of starting its own.
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () ->
                Files.exists(dir.resolve("kafka.pid")) && Files.exists(dir.resolve("registry.pid"))
                    || !cli.isAlive());
    String concurrent = capture(stack::up);
    assertThat(concurrent).doesNotContain(" started at");
    assertThat(cli.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String cliOut = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cli.exitValue()).as(cliOut).isZero();
    assertThat(cliOut).contains(" at " + config.bootstrapServers());
    assertThat(stack.status().allAnswer()).isTrue();
    // Later commands without port options find the ports of that `up`.
    assertThat(LocalStack.Config.resolve(dir, null, null, null, config.timeout()))
        .isEqualTo(config);

    // Each runs in a session of its own (setsid): a Ctrl-C for the starting shell does not reach
    // it.
    assertThat(sessionId(pid("kafka.pid"))).isEqualTo(pid("kafka.pid"));
    assertThat(sessionId(pid("registry.pid"))).isEqualTo(pid("registry.pid"));

    // A second `up` asks, finds both running and starts nothing.
    String pids = pids();
    String second = capture(stack::up);
    assertThat(second).contains("kafka     already running").contains("registry  already running");
    assertThat(pids()).isEqualTo(pids);

    int id = registerSchema(config.registryUrl(), "restart-value");
    assertThat(capture(stack::down)).contains("kafka     stopped").contains("registry  stopped");
    LocalStack.Status down = stack.status();
    assertThat(down.kafkaAnswers()).isFalse();
    assertThat(down.registryAnswers()).isFalse();
    assertThat(capture(stack::down))
        .contains("kafka     not running")
        .contains("registry  not running");

    // A start that does not answer in time names the log and leaves nothing running.
    LocalStack impatient =
        new LocalStack(
            new LocalStack.Config(
                dir,
                config.kafkaPort(),
                config.controllerPort(),
                config.registryPort(),
                Duration.ofMillis(1)));
    assertThatThrownBy(() -> capture(impatient::up))
        .isInstanceOf(StackException.class)
        .hasMessageContaining("did not answer")
        .hasMessageContaining("see " + stack.kafkaLog());
    assertThat(dir.resolve("kafka.pid")).doesNotExist();
    assertThat(dir.resolve("registry.pid")).doesNotExist();
    assertThat(stack.status().registryAnswers()).isFalse();

    // Up again on the same data: same cluster, and the schema id still resolves.
    String clusterId = BrokerProcess.clusterId(dir.resolve("kafka")).orElseThrow();
    capture(stack::up);
    assertThat(stack.status().clusterId()).contains(clusterId);
    HttpResponse<String> schema = get(config.registryUrl() + "/schemas/ids/" + id);
    assertThat(schema.statusCode()).isEqualTo(200);
    assertThat(schema.body()).contains("Restart");
  }

  @Test
  void refusesATakenPortWithoutStartingAnything() throws Exception {
    LocalStack.Config config = config(Duration.ofSeconds(60));
    stack = new LocalStack(config);
    try (ServerSocket squatter =
        new ServerSocket(config.kafkaPort(), 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> capture(stack::up))
          .isInstanceOf(StackException.class)
          .hasMessageContaining("port " + config.kafkaPort());
    }
    assertThat(dir.resolve("registry.pid")).doesNotExist();
    assertThat(dir.resolve("kafka.pid")).doesNotExist();
  }

  private Process runCli(LocalStack.Config config) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dhpt.repo=" + HptPaths.requireRepo());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), UpInOwnJvm.class.getName()));
    cmd.addAll(
        List.of(
            config.dataDir().toString(),
            String.valueOf(config.kafkaPort()),
            String.valueOf(config.controllerPort()),
            String.valueOf(config.registryPort()),
            String.valueOf(config.timeout().toSeconds())));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  private String pids() throws IOException {
    return Files.readString(dir.resolve("kafka.pid"))
        + Files.readString(dir.resolve("registry.pid"));
  }

  private long pid(String pidFile) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve(pidFile)).trim().split("\\s+")[0]);
  }

  /** Field 6 of /proc/<pid>/stat (after the parenthesised command name). */
  private static long sessionId(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
  }

  private interface StackAction {
    void run(PrintStream out);
  }

  private static String capture(StackAction action) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    action.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static int registerSchema(String registryUrl, String subject) throws Exception {
    String schema =
        "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Restart\\\",\\\"fields\\\":[{\\\"name\\\":\\\"n\\\",\\\"type\\\":\\\"int\\\"}]}";
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(registryUrl + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"" + schema + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Integer.parseInt(response.body().replaceAll("\\D", ""));
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
