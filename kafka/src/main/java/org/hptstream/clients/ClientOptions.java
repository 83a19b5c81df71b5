package org.hptstream.clients;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.hptstream.registry.RegistryConfig;
import org.hptstream.registry.RetryNotices;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Kafka and schema registry connection options shared by every {@code hpt} command that talks to
 * Kafka (a picocli mixin: {@code @Mixin ClientOptions client;}). The resulting map is given to
 * every producer, consumer, admin client and serde, so TLS and SASL settings pass through.
 *
 * <p>Precedence, lowest first: {@code --kafka-config} file, {@code --kafka-property}, then the
 * explicit options below.
 */
public final class ClientOptions {
  /** Environment variable naming the brokers (team-wide; docker-compose sets it). */
  public static final String BOOTSTRAP_ENV = "HPT_BOOTSTRAP_SERVERS";

  /** Environment variable naming the registry URL (team-wide; docker-compose sets it). */
  public static final String REGISTRY_ENV = "HPT_SCHEMA_REGISTRY_URL";

  /** Environment variable holding registry credentials {@code user:password}. */
  public static final String REGISTRY_USER_INFO_ENV = "HPT_SCHEMA_REGISTRY_USER_INFO";

  @Option(
      names = {"-b", "--bootstrap-servers"},
      defaultValue = "${env:" + BOOTSTRAP_ENV + ":-localhost:9092}",
      description =
          "Kafka brokers host:port[,...] (default: $" + BOOTSTRAP_ENV + " or ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = {"--schema-registry-url"},
      defaultValue = "${env:" + REGISTRY_ENV + ":-http://localhost:8081/apis/ccompat/v7}",
      description =
          "Schema registry base URL(s), comma separated (default: $"
              + REGISTRY_ENV
              + " or ${DEFAULT-VALUE}).")
  String schemaRegistryUrl;

  @Option(
      names = {"--schema-registry-user-info"},
      defaultValue = "${env:" + REGISTRY_USER_INFO_ENV + "}",
      description =
          "Registry basic-auth credentials user:password (default: $"
              + REGISTRY_USER_INFO_ENV
              + ").")
  String registryUserInfo;

  @Option(
      names = {"-X", "--kafka-property"},
      paramLabel = "KEY=VALUE",
      description =
          "Extra Kafka client / registry property, repeatable (e.g. security.protocol=SASL_SSL).")
  Map<String, String> properties = new HashMap<>();

  @Option(
      names = {"--kafka-config"},
      paramLabel = "FILE",
      description = "Properties file of Kafka client / registry settings (TLS, SASL...).")
  Path configFile;

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String schemaRegistryUrl() {
    return schemaRegistryUrl;
  }

  /**
   * All client settings: file, then -X properties, then the explicit options; plus {@link
   * RetryNotices#CONFIG}, printing registry retries and recoveries on stderr.
   */
  public Map<String, Object> clientConfig() {
    Map<String, Object> config = new HashMap<>();
    if (configFile != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(configFile)) {
        p.load(r);
      } catch (IOException e) {
        throw new ParameterException(
            new picocli.CommandLine(this),
            "cannot read --kafka-config " + configFile + ": " + e.getMessage());
      }
      p.forEach((k, v) -> config.put(k.toString(), v.toString()));
    }
    config.putAll(properties);
    config.put("bootstrap.servers", bootstrapServers);
    config.put(RegistryConfig.URL, schemaRegistryUrl);
    if (registryUserInfo != null && !registryUserInfo.isBlank()) {
      config.put(RegistryConfig.CREDENTIALS_SOURCE, "USER_INFO");
      config.put(RegistryConfig.USER_INFO, registryUserInfo);
    }
    // The commands' log shows errors only: say on stderr that the registry is being waited for.
    config.put(RetryNotices.CONFIG, (RetryNotices) line -> System.err.println("hpt: " + line));
    return config;
  }

  /** Builds options programmatically (for services and tests; no picocli parsing). */
  public static ClientOptions of(String bootstrapServers, String schemaRegistryUrl) {
    ClientOptions o = new ClientOptions();
    o.bootstrapServers = bootstrapServers;
    o.schemaRegistryUrl = schemaRegistryUrl;
    return o;
  }
}
