package org.hptstream.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker as its own process: one combined broker+controller KRaft node on 127.0.0.1,
 * run from the jars {@link KafkaLibs} finds (a distribution's {@code lib/broker}, a checkout's
 * build output), in a session of its own so that it outlives the command that started it.
 */
public final class BrokerProcess implements AutoCloseable {

  private static final String LOG4J_CONFIG = "kafka-log4j2.properties";

  /**
   * How to run it.
   *
   * @param dir broker home: server.properties, log config and the {@code data} log dir live here
   * @param port client (PLAINTEXT) port
   * @param controllerPort KRaft controller port
   * @param log file that receives the process output
   * @param jvmArgs extra JVM options (heap)
   * @param serverProperties broker settings that replace or add to the defaults written here (a
   *     secured listener, an authorizer); empty for the plain local broker
   * @param formatArgs extra arguments of the storage format run on first start (e.g. {@code
   *     --add-scram} users)
   */
  public record Settings(
      Path dir,
      int port,
      int controllerPort,
      Path log,
      List<String> jvmArgs,
      Map<String, String> serverProperties,
      List<String> formatArgs) {
    public Settings {
      jvmArgs = List.copyOf(jvmArgs);
      serverProperties = Map.copyOf(serverProperties);
      formatArgs = List.copyOf(formatArgs);
    }

    /** The plain PLAINTEXT broker of {@code hpt stack}. */
    public Settings(Path dir, int port, int controllerPort, Path log, List<String> jvmArgs) {
      this(dir, port, controllerPort, log, jvmArgs, Map.of(), List.of());
    }
  }

  private final JavaProcess process;
  private final String bootstrapServers;

  private BrokerProcess(JavaProcess process, String bootstrapServers) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Writes the configuration, formats the storage on first use (new cluster id) and starts the
   * broker; wait for it with {@link #answers}.
   */
  public static BrokerProcess start(Settings settings) {
    Path libs = KafkaLibs.dir();
    Path dir = settings.dir().toAbsolutePath();
    Path config = writeConfig(settings, dir);
    String classpath = libs.resolve("*").toString();
    List<String> jvm =
        concat(
            settings.jvmArgs(),
            List.of("-Dlog4j2.configurationFile=" + dir.resolve(LOG4J_CONFIG), "-cp", classpath));
    if (clusterId(dir).isEmpty()) {
      List<String> formatCommand =
          new ArrayList<>(
              List.of(
                  "kafka.tools.StorageTool",
                  "format",
                  "-t",
                  Uuid.randomUuid().toString(),
                  "-c",
                  config.toString()));
      formatCommand.addAll(settings.formatArgs());
      JavaProcess format =
          JavaProcess.launch("kafka storage format", jvm, formatCommand, settings.log());
      format.awaitSuccess(Duration.ofMinutes(2));
    }
    JavaProcess broker =
        JavaProcess.launchDetached(
            "kafka", jvm, List.of("kafka.Kafka", config.toString()), settings.log());
    return new BrokerProcess(broker, bootstrapFor(settings.port()));
  }

  private static Path writeConfig(Settings s, Path dir) {
    Properties p = new Properties();
    p.putAll(
        Map.ofEntries(
            Map.entry("process.roles", "broker,controller"),
            Map.entry("node.id", "1"),
            Map.entry("controller.quorum.voters", "1@127.0.0.1:" + s.controllerPort()),
            Map.entry(
                "listeners",
                "PLAINTEXT://127.0.0.1:"
                    + s.port()
                    + ",CONTROLLER://127.0.0.1:"
                    + s.controllerPort()),
            Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + s.port()),
            Map.entry("controller.listener.names", "CONTROLLER"),
            Map.entry("inter.broker.listener.name", "PLAINTEXT"),
            Map.entry("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
            Map.entry("log.dirs", dataDir(dir).toString()),
            Map.entry("num.partitions", "1"),
            // A single node: every internal topic must live with one replica.
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0")));
    p.putAll(s.serverProperties());
    Path config = dir.resolve("server.properties");
    try {
      Files.createDirectories(dir);
      try (var out = Files.newBufferedWriter(config)) {
        p.store(out, "written by hpt stack; rewritten on every start");
      }
      try (InputStream in = BrokerProcess.class.getResourceAsStream(LOG4J_CONFIG)) {
        Files.copy(in, dir.resolve(LOG4J_CONFIG), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the broker configuration in " + dir, e);
    }
    return config;
  }

  private static Path dataDir(Path dir) {
    return dir.resolve("data");
  }

  /** The cluster id the storage under {@code dir} was formatted with, if it was. */
  public static Optional<String> clusterId(Path dir) {
    Path meta = dataDir(dir.toAbsolutePath()).resolve("meta.properties");
    if (!Files.isRegularFile(meta)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(meta)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + meta, e);
    }
    return Optional.ofNullable(p.getProperty("cluster.id"));
  }

  public static String bootstrapFor(int port) {
    return "127.0.0.1:" + port;
  }

  /**
   * Asks whatever serves {@code bootstrapServers} for its cluster id; empty if no broker answers.
   */
  public static Optional<String> askClusterId(String bootstrapServers, Duration timeout) {
    return askClusterId(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), timeout);
  }

  /**
   * Like {@link #askClusterId(String, Duration)} for a cluster that needs client settings (TLS,
   * SASL): {@code kafkaConfig} holds Kafka client keys only, {@code bootstrap.servers} included.
   */
  public static Optional<String> askClusterId(Map<String, ?> kafkaConfig, Duration timeout) {
    String bootstrapServers =
        String.valueOf(kafkaConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    if (!anyAccepts(bootstrapServers)) {
      return Optional.empty(); // no listener at all: skip the Admin client's retries until timeout
    }
    int ms = (int) timeout.toMillis();
    Map<String, Object> config = new HashMap<>(kafkaConfig);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    try (Admin admin = Admin.create(config)) {
      return Optional.of(
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs(ms))
              .clusterId()
              .get(ms + 1000L, TimeUnit.MILLISECONDS));
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Whether any {@code host:port} of a bootstrap list accepts a TCP connection. */
  private static boolean anyAccepts(String bootstrapServers) {
    for (String server : bootstrapServers.split(",")) {
      String hostPort = server.trim().replaceFirst("^[A-Za-z_]+://", "");
      int colon = hostPort.lastIndexOf(':');
      if (colon < 0) {
        return true; // not ours to parse: let the Admin client judge
      }
      try (Socket socket = new Socket()) {
        socket.connect(
            new InetSocketAddress(
                hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
            2000);
        return true;
      } catch (IOException | RuntimeException e) {
        // try the next one
      }
    }
    return false;
  }

  /** Whether a broker answers an Admin describeCluster at {@code bootstrapServers}. */
  public static boolean answers(String bootstrapServers) {
    return askClusterId(bootstrapServers, Duration.ofSeconds(2)).isPresent();
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public JavaProcess process() {
    return process;
  }

  /** Stops the broker (SIGTERM: controlled shutdown; kill after 30 s). */
  @Override
  public void close() {
    process.stop(Duration.ofSeconds(30));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
