package org.hptstream.testkit;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.ConfluentKafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Fixture for hosts with a Docker engine ({@code -Dhpt.fixture=testcontainers}): Confluent's {@code
 * cp-kafka} in KRaft mode and {@code cp-schema-registry} on a shared network. Same images as the
 * repository's {@code docker-compose.yml}.
 */
public final class ContainersStackFixture implements KafkaStackFixture, AutoCloseable {

  /** Confluent Platform release of both images. */
  public static final String CONFLUENT_VERSION = "7.9.0";

  private static final String KAFKA_ALIAS = "kafka";
  private static final String INTERNAL_LISTENER = KAFKA_ALIAS + ":19092";

  private final Network network;
  private final ConfluentKafkaContainer kafka;
  private final GenericContainer<?> registry;

  private ContainersStackFixture(
      Network network, ConfluentKafkaContainer kafka, GenericContainer<?> registry) {
    this.network = network;
    this.kafka = kafka;
    this.registry = registry;
  }

  /** Pulls (if needed) and starts both containers. */
  @SuppressWarnings("resource") // all three are closed by close(), or here on failure
  public static ContainersStackFixture start() {
    Network network = Network.newNetwork();
    ConfluentKafkaContainer kafka =
        new ConfluentKafkaContainer(
                DockerImageName.parse("confluentinc/cp-kafka:" + CONFLUENT_VERSION))
            .withNetwork(network)
            .withNetworkAliases(KAFKA_ALIAS)
            .withListener(INTERNAL_LISTENER); // how the registry container reaches the broker
    GenericContainer<?> registry =
        new GenericContainer<>(
                DockerImageName.parse("confluentinc/cp-schema-registry:" + CONFLUENT_VERSION))
            .withNetwork(network)
            .withExposedPorts(8081)
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
            .withEnv(
                "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://" + INTERNAL_LISTENER)
            .dependsOn(kafka)
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));
    try {
      kafka.start();
      registry.start();
      return new ContainersStackFixture(network, kafka, registry);
    } catch (RuntimeException e) {
      registry.close();
      kafka.close();
      network.close();
      throw e;
    }
  }

  @Override
  public String bootstrapServers() {
    return kafka.getBootstrapServers();
  }

  /** Confluent's registry serves its API at the root. */
  @Override
  public String schemaRegistryUrl() {
    return "http://" + registry.getHost() + ":" + registry.getMappedPort(8081);
  }

  @Override
  public void close() {
    registry.close();
    kafka.close();
    network.close();
  }
}
