package org.hptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hptstream.testkit.CraftedFiles;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failing {@code hpt ingest} runs given credentials every supported way: a registry URL with {@code
 * user:password}, {@code --schema-registry-user-info}, a SASL JAAS config in a {@code
 * --kafka-config} file and in {@code -X}. Each runs as its own process with every log level
 * switched on; all it prints (stdout, stderr, logs) is searched for the secret.
 */
@ExtendWith(TestStackExtension.class)
class SecretsInOutputTest {
  private static final String SECRET = "Zq9-s3cr3t-Xw";

  @TempDir Path tmp;

  @Test
  void noFailingRunPrintsACredential(KafkaStackFixture stack) throws Exception {
    Path images = Files.createDirectories(tmp.resolve("images"));
    Files.write(images.resolve("a.png"), CraftedFiles.image(8, 8, "png"));
    HttpServer refusing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    refusing.createContext(
        "/",
        ex -> {
          byte[] b = "{\"message\":\"bad credentials\"}".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(401, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        });
    refusing.start();
    try {
      String refusingUrl = "http://127.0.0.1:" + refusing.getAddress().getPort() + "/api";
      Path saslFile = tmp.resolve("client.properties");
      Files.writeString(
          saslFile,
          String.join(
              "\n",
              "security.protocol=SASL_PLAINTEXT",
              "sasl.mechanism=PLAIN",
              jaas(),
              "default.api.timeout.ms=4000",
              "request.timeout.ms=2000",
              "max.block.ms=4000",
              ""));
      List<List<String>> runs =
          List.of(
              List.of(
                  "--schema-registry-url",
                  "http://alice:" + SECRET + "@127.0.0.1:" + closedPort() + "/api",
                  "-X",
                  "schema.registry.max.attempts=2"),
              List.of(
                  "--schema-registry-url",
                  refusingUrl,
                  "--schema-registry-user-info",
                  "alice:" + SECRET),
              List.of(
                  "--schema-registry-url",
                  stack.schemaRegistryUrl(),
                  "--kafka-config",
                  saslFile.toString()),
              List.of(
                  "--schema-registry-url",
                  stack.schemaRegistryUrl(),
                  "-X",
                  "security.protocol=SASL_PLAINTEXT",
                  "-X",
                  "sasl.mechanism=PLAIN",
                  "-X",
                  jaas(),
                  "-X",
                  "default.api.timeout.ms=4000",
                  "-X",
                  "request.timeout.ms=2000"));
      String basic =
          Base64.getEncoder().encodeToString(("alice:" + SECRET).getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < runs.size(); i++) {
        List<String> args = new ArrayList<>(List.of("ingest", "--domain", "secrets-" + i));
        args.addAll(List.of("-b", stack.bootstrapServers(), "--no-progress"));
        args.addAll(runs.get(i));
        args.add(images.toString());
        Path output = tmp.resolve("run-" + i + ".log");
        int exit = runHpt(args, output);
        String printed = Files.readString(output);
        System.out.printf(
            "run %d: exit %d, %d lines, %s%n",
            i,
            exit,
            printed.lines().count(),
            printed.lines().filter(l -> l.startsWith("hpt ingest:")).findFirst().orElse("?"));
        assertThat(exit).as("run %d must fail:%n%s", i, printed).isNotZero();
        assertThat(printed).as("run %d output", i).contains("hpt ingest:");
        assertThat(printed).as("run %d output", i).doesNotContain(SECRET).doesNotContain(basic);
      }
    } finally {
      refusing.stop(0);
    }
  }

  private static String jaas() {
    return "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
        + " username=\"alice\" password=\""
        + SECRET
        + "\";";
  }

  /** Runs {@code hpt} in its own JVM with all logging on; stdout and stderr into {@code output}. */
  private static int runHpt(List<String> args, Path output)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dorg.apache.logging.log4j.level=DEBUG");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Hpt.class.getName());
    command.addAll(args);
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("hpt did not finish: " + String.join(" ", args));
    }
    return p.exitValue();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
