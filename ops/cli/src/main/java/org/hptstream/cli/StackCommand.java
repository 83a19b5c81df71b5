package org.hptstream.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hptstream.clients.ClientConfigs;
import org.hptstream.clients.ClientOptions;
import org.hptstream.registry.RegistryConfig;
import org.hptstream.stack.LocalStack;
import org.hptstream.stack.StackException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hpt stack up|down|status}: the local Kafka broker + schema registry for development. */
@Command(
    name = "stack",
    mixinStandardHelpOptions = true,
    description =
        "Local Kafka broker + Apicurio schema registry (Confluent-compatible API), as background processes.",
    subcommands = {StackCommand.Up.class, StackCommand.Down.class, StackCommand.StatusCmd.class})
public final class StackCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  /** Where the stack lives and which ports it binds. */
  static final class Where {
    @Option(
        names = "--data-dir",
        description = "Data and logs of the stack (default: $HPT_HOME/stack; see `hpt --version`).")
    Path dataDir;

    @Option(
        names = "--kafka-port",
        description =
            "Broker client port on 127.0.0.1 (default: as at the last `up` in the data dir, else 9092).")
    Integer kafkaPort;

    @Option(
        names = "--controller-port",
        description =
            "KRaft controller port on 127.0.0.1 (default: as at the last `up`, else 9093).")
    Integer controllerPort;

    @Option(
        names = "--registry-port",
        description = "Registry HTTP port on 127.0.0.1 (default: as at the last `up`, else 8081).")
    Integer registryPort;

    LocalStack stack(Duration timeout) {
      return new LocalStack(
          LocalStack.Config.resolve(dataDir, kafkaPort, controllerPort, registryPort, timeout));
    }
  }

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description =
          "Start the broker and the registry unless they already run; wait until both answer.")
  static final class Up implements Callable<Integer> {
    @CommandLine.Mixin Where where = new Where();

    @Option(
        names = "--timeout",
        defaultValue = "120",
        description = "Seconds to wait for both to answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
      LocalStack stack = where.stack(Duration.ofSeconds(timeoutSeconds));
      try {
        LocalStack.Status status = stack.up(System.out);
        System.out.println("data in " + stack.config().dataDir());
        System.out.println("export HPT_BOOTSTRAP_SERVERS=" + status.bootstrapServers());
        System.out.println("export HPT_SCHEMA_REGISTRY_URL=" + status.registryUrl());
        return 0;
      } catch (StackException e) {
        System.err.println("hpt stack up: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(
      name = "down",
      mixinStandardHelpOptions = true,
      description =
          "Stop the broker and the registry started from the data directory (SIGTERM, then kill).")
  static final class Down implements Callable<Integer> {
    @CommandLine.Mixin Where where = new Where();

    @Override
    public Integer call() {
      try {
        where.stack(Duration.ZERO).down(System.out);
        return 0;
      } catch (StackException e) {
        System.err.println("hpt stack down: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Say whether a broker and a registry answer (the local stack's, or any cluster named by the"
              + " connection options). Exit code 0 when both answer, else 1.")
  static final class StatusCmd implements Callable<Integer> {
    @CommandLine.Mixin ClientOptions client = new ClientOptions();

    @Override
    public Integer call() {
      Map<String, Object> config = client.clientConfig();
      Object userInfo = config.get(RegistryConfig.USER_INFO);
      LocalStack.Status status =
          LocalStack.status(
              ClientConfigs.kafkaOnly(config),
              client.schemaRegistryUrl(),
              userInfo == null ? null : userInfo.toString());
      status.describe().forEach(System.out::println);
      return status.allAnswer() ? 0 : 1;
    }
  }
}
