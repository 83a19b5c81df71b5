package org.hptstream.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The local stack behind {@code hpt stack}: a Kafka broker process and an Apicurio registry process
 * (H2 file storage, so schema ids survive restarts), all data and logs under one directory. Both
 * keep running after the JVM that started them exits.
 *
 * <p>Layout of the data directory: {@code kafka/} (broker config and log dirs), {@code registry/}
 * (H2 database), {@code logs/kafka.log}, {@code logs/registry.log}, {@code *.pid}, {@code
 * stack.properties} (ports of the last start).
 */
public final class LocalStack {

  /** Broker heap: enough for a dev stack, small enough to share a laptop with training. */
  static final List<String> BROKER_JVM = List.of("-Xms128m", "-Xmx512m");

  private static final Duration PROBE = Duration.ofSeconds(3);

  private static final String PORTS_FILE = "stack.properties";

  /**
   * @param dataDir where everything lives (default {@link #defaultDataDir()})
   * @param kafkaPort client port of the broker on 127.0.0.1
   * @param controllerPort KRaft controller port on 127.0.0.1
   * @param registryPort HTTP port of the registry on 127.0.0.1
   * @param timeout how long {@link #up} waits for both to answer
   */
  public record Config(
      Path dataDir, int kafkaPort, int controllerPort, int registryPort, Duration timeout) {
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_CONTROLLER_PORT = 9093;
    public static final int DEFAULT_REGISTRY_PORT = 8081;

    public Config {
      dataDir = dataDir == null ? defaultDataDir() : dataDir.toAbsolutePath().normalize();
    }

    /**
     * A config whose unspecified (null) values come from the last {@link #up} in that data
     * directory, else from the defaults; so {@code down} and a second {@code up} find a stack that
     * was started on other ports.
     */
    public static Config resolve(
        Path dataDir,
        Integer kafkaPort,
        Integer controllerPort,
        Integer registryPort,
        Duration timeout) {
      Path dir = dataDir == null ? defaultDataDir() : dataDir;
      Properties saved = new Properties();
      Path file = dir.resolve(PORTS_FILE);
      if (Files.isRegularFile(file)) {
        try (Reader in = Files.newBufferedReader(file)) {
          saved.load(in);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + file, e);
        }
      }
      return new Config(
          dir,
          pick(kafkaPort, saved, "kafka.port", DEFAULT_KAFKA_PORT),
          pick(controllerPort, saved, "controller.port", DEFAULT_CONTROLLER_PORT),
          pick(registryPort, saved, "registry.port", DEFAULT_REGISTRY_PORT),
          timeout);
    }

    private static int pick(Integer given, Properties saved, String key, int fallback) {
      return given != null
          ? given
          : Integer.parseInt(saved.getProperty(key, String.valueOf(fallback)));
    }

    void save() {
      Properties p = new Properties();
      p.setProperty("kafka.port", String.valueOf(kafkaPort));
      p.setProperty("controller.port", String.valueOf(controllerPort));
      p.setProperty("registry.port", String.valueOf(registryPort));
      try {
        Files.createDirectories(dataDir);
        try (Writer out = Files.newBufferedWriter(dataDir.resolve(PORTS_FILE))) {
          p.store(out, "ports of the last `hpt stack up` in this directory");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + dataDir.resolve(PORTS_FILE), e);
      }
    }

    /** {@code stack} in {@link HptPaths#home()} ({@code <repo>/.hpt/stack} in a checkout). */
    public static Path defaultDataDir() {
      return HptPaths.home().resolve("stack");
    }

    public String bootstrapServers() {
      return BrokerProcess.bootstrapFor(kafkaPort);
    }

    public String registryUrl() {
      return RegistryProcess.urlFor(registryPort);
    }
  }

  /** What answers where: a broker (with its cluster id) and a registry, either may be absent. */
  public record Status(
      String bootstrapServers,
      Optional<String> clusterId,
      String registryUrl,
      boolean registryAnswers) {
    public boolean kafkaAnswers() {
      return clusterId.isPresent();
    }

    public boolean allAnswer() {
      return kafkaAnswers() && registryAnswers;
    }

    /** Human-readable lines, one per component. */
    public List<String> describe() {
      return List.of(
          String.format(
              "kafka     %-45s %s",
              bootstrapServers,
              clusterId.map(id -> "answers (cluster id " + id + ")").orElse("does not answer")),
          String.format(
              "registry  %-45s %s", registryUrl, registryAnswers ? "answers" : "does not answer"));
    }
  }

  private final Config config;

  public LocalStack(Config config) {
    this.config = config;
  }

  public Config config() {
    return config;
  }

  /** Asks a broker and a registry whether they answer; starts and stops nothing. */
  public static Status status(String bootstrapServers, String registryUrl) {
    return status(Map.of("bootstrap.servers", bootstrapServers), registryUrl, null);
  }

  /**
   * Like {@link #status(String, String)} for any cluster: {@code kafkaConfig} holds Kafka client
   * settings ({@code bootstrap.servers}, TLS, SASL), {@code registryUserInfo} the registry's basic
   * auth {@code user:password} or null.
   */
  public static Status status(
      Map<String, ?> kafkaConfig, String registryUrl, String registryUserInfo) {
    return new Status(
        String.valueOf(kafkaConfig.get("bootstrap.servers")),
        BrokerProcess.askClusterId(kafkaConfig, PROBE),
        registryUrl,
        RegistryProcess.answers(registryUrl, registryUserInfo));
  }

  /** Status of this stack's own endpoints. */
  public Status status() {
    return status(config.bootstrapServers(), config.registryUrl());
  }

  /**
   * Starts whatever of broker and registry is not already running and waits until both answer.
   * Harmless when the stack already runs: it asks each endpoint first and keeps what answers, if it
   * belongs to this data directory (broker: same cluster id; registry: the recorded process).
   *
   * @throws StackException with a pointer to the log when a component does not come up; what this
   *     call started is stopped again
   */
  public Status up(PrintStream out) {
    // Decide everything before starting anything, so a refusal leaves no process behind.
    boolean registryAnswers = registryRunning();
    boolean kafkaAnswers = brokerRunning();
    // A recorded live process that does not answer yet is still starting (e.g. a concurrent `up`).
    Optional<ProcessHandle> registryStarting =
        registryAnswers ? Optional.empty() : PidFile.read(registryPid());
    Optional<ProcessHandle> kafkaStarting =
        kafkaAnswers ? Optional.empty() : PidFile.read(kafkaPid());
    if (!registryAnswers && registryStarting.isEmpty()) {
      requireFree(config.registryPort(), "registry");
    }
    if (!kafkaAnswers && kafkaStarting.isEmpty()) {
      requireFree(config.kafkaPort(), "kafka");
      requireFree(config.controllerPort(), "kafka controller");
    }
    Path dir = config.dataDir();
    config.save();
    long start = System.nanoTime();
    RegistryProcess registry = null; // what this call starts, stopped again if the call fails
    BrokerProcess broker = null;
    try {
      JavaProcess registryToAwait = null;
      if (registryAnswers) {
        out.println("registry  already running at " + config.registryUrl());
      } else if (registryStarting.isPresent()) {
        registryToAwait = JavaProcess.adopt("registry", registryStarting.get(), registryLog());
      } else {
        registry =
            RegistryProcess.start(
                new RegistryProcess.Settings(
                    config.registryPort(),
                    dir.resolve("registry"),
                    registryLog(),
                    RegistryProcess.DEFAULT_JVM,
                    true));
        PidFile.write(registryPid(), registry.process().handle());
        registryToAwait = registry.process();
      }
      JavaProcess kafkaToAwait = null;
      if (kafkaAnswers) {
        out.println("kafka     already running at " + config.bootstrapServers());
      } else if (kafkaStarting.isPresent()) {
        kafkaToAwait = JavaProcess.adopt("kafka", kafkaStarting.get(), kafkaLog());
      } else {
        broker =
            BrokerProcess.start(
                new BrokerProcess.Settings(
                    dir.resolve("kafka"),
                    config.kafkaPort(),
                    config.controllerPort(),
                    kafkaLog(),
                    BROKER_JVM));
        PidFile.write(kafkaPid(), broker.process().handle());
        kafkaToAwait = broker.process();
      }
      if (kafkaToAwait != null) {
        String bootstrap = config.bootstrapServers();
        kafkaToAwait.awaitReady(
            bootstrap, () -> BrokerProcess.answers(bootstrap), remaining(start));
        out.printf(
            "kafka     %s at %s, answering after %.1f s (pid %d), log %s%n",
            broker != null ? "started" : "was starting",
            bootstrap,
            seconds(start),
            kafkaToAwait.pid(),
            kafkaLog());
      }
      if (registryToAwait != null) {
        String url = config.registryUrl();
        registryToAwait.awaitReady(url, () -> RegistryProcess.answers(url), remaining(start));
        out.printf(
            "registry  %s at %s, answering after %.1f s (pid %d), log %s%n",
            registry != null ? "started" : "was starting",
            url,
            seconds(start),
            registryToAwait.pid(),
            registryLog());
      }
    } catch (RuntimeException e) {
      // Leave no half-started stack behind (only what this call started is ours to stop).
      if (broker != null) {
        broker.close();
        PidFile.delete(kafkaPid());
      }
      if (registry != null) {
        registry.close();
        PidFile.delete(registryPid());
      }
      throw e;
    }
    return status();
  }

  private Duration remaining(long startNanos) {
    return config.timeout().minusNanos(System.nanoTime() - startNanos);
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  private boolean brokerRunning() {
    Optional<String> answering = BrokerProcess.askClusterId(config.bootstrapServers(), PROBE);
    if (answering.isEmpty()) {
      return false;
    }
    Optional<String> ours = BrokerProcess.clusterId(config.dataDir().resolve("kafka"));
    if (!answering.equals(ours)) {
      throw new StackException(
          "a Kafka cluster (id "
              + answering.get()
              + ") already answers at "
              + config.bootstrapServers()
              + " but it is not the stack in "
              + config.dataDir()
              + "; stop it or pick another --kafka-port");
    }
    return true;
  }

  private boolean registryRunning() {
    if (!RegistryProcess.answers(config.registryUrl())) {
      return false;
    }
    if (PidFile.read(registryPid()).isEmpty()) {
      throw new StackException(
          "a schema registry already answers at "
              + config.registryUrl()
              + " but it was not started from "
              + config.dataDir()
              + "; stop it or pick another --registry-port");
    }
    return true;
  }

  private static void requireFree(int port, String what) {
    if (!FreePort.isFree(port)) {
      throw new StackException(
          "port "
              + port
              + " on 127.0.0.1 (for "
              + what
              + ") is taken by something that does not answer as "
              + what
              + "; free it or pick another port");
    }
  }

  /**
   * Stops the broker and the registry this data directory started (SIGTERM, wait, then kill).
   * Harmless when nothing runs.
   */
  public void down(PrintStream out) {
    Optional<ProcessHandle> registry = PidFile.read(registryPid());
    Optional<ProcessHandle> kafka = PidFile.read(kafkaPid());
    // Both get SIGTERM at once, so their shutdowns overlap.
    registry.ifPresent(ProcessHandle::destroy);
    kafka.ifPresent(ProcessHandle::destroy);
    stop("registry", registry, registryLog(), Duration.ofSeconds(20), out);
    stop("kafka", kafka, kafkaLog(), Duration.ofSeconds(30), out);
    PidFile.delete(registryPid());
    PidFile.delete(kafkaPid());
    // Say so when something else serves our ports: it is not ours to stop.
    Status left = status();
    if (left.registryAnswers()) {
      out.println(
          "registry  note: something still answers at "
              + left.registryUrl()
              + " (not started from "
              + config.dataDir()
              + ")");
    }
    if (left.kafkaAnswers()) {
      out.println(
          "kafka     note: something still answers at "
              + left.bootstrapServers()
              + " (not started from "
              + config.dataDir()
              + ")");
    }
  }

  private static void stop(
      String name, Optional<ProcessHandle> running, Path log, Duration grace, PrintStream out) {
    if (running.isEmpty()) {
      out.printf("%-9s not running%n", name);
      return;
    }
    boolean clean = JavaProcess.adopt(name, running.get(), log).stop(grace);
    out.printf(
        "%-9s stopped (pid %d%s)%n",
        name, running.get().pid(), clean ? "" : ", killed after " + grace.toSeconds() + " s");
  }

  private Path kafkaPid() {
    return config.dataDir().resolve("kafka.pid");
  }

  private Path registryPid() {
    return config.dataDir().resolve("registry.pid");
  }

  public Path kafkaLog() {
    return config.dataDir().resolve("logs").resolve("kafka.log");
  }

  public Path registryLog() {
    return config.dataDir().resolve("logs").resolve("registry.log");
  }
}
