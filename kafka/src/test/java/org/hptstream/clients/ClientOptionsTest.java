package org.hptstream.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ClientOptionsTest {
  @Command(name = "probe")
  static final class Probe implements Runnable {
    @Mixin ClientOptions client;

    @Override
    public void run() {}
  }

  @Test
  void fileThenPropertiesThenExplicitOptions(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("client.properties");
    Files.writeString(
        file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nbootstrap.servers=ignored:1\n");
    Probe probe = new Probe();
    new CommandLine(probe)
        .parseArgs(
            "--kafka-config",
            file.toString(),
            "-X",
            "sasl.mechanism=SCRAM-SHA-512",
            "--kafka-property",
            "linger.ms=7",
            "-b",
            "k1:9093,k2:9093",
            "--schema-registry-url",
            "https://sr:8081",
            "--schema-registry-user-info",
            "u:p");
    var config = probe.client.clientConfig();
    assertThat(config)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("linger.ms", "7")
        .containsEntry("bootstrap.servers", "k1:9093,k2:9093")
        .containsEntry("schema.registry.url", "https://sr:8081")
        .containsEntry("basic.auth.credentials.source", "USER_INFO")
        .containsEntry("basic.auth.user.info", "u:p");
  }

  @Test
  void defaultsComeFromTheTeamWideEnvironmentVariablesOrLocalhost() {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs();
    String envBootstrap = System.getenv(ClientOptions.BOOTSTRAP_ENV);
    String envRegistry = System.getenv(ClientOptions.REGISTRY_ENV);
    assertThat(probe.client.bootstrapServers())
        .isEqualTo(envBootstrap != null ? envBootstrap : "localhost:9092");
    assertThat(probe.client.schemaRegistryUrl())
        .isEqualTo(envRegistry != null ? envRegistry : "http://localhost:8081/apis/ccompat/v7");
  }
}
