package org.hptstream.testkit;

/**
 * A running Kafka broker plus a schema registry speaking the Confluent REST API, for integration
 * tests. Get the shared one with {@link TestStack#shared()} or inject it with {@link
 * TestStackExtension}. Topics live as long as the test JVM: give each test its own topic names.
 */
public interface KafkaStackFixture {

  /** Value for {@code bootstrap.servers}. */
  String bootstrapServers();

  /** Value for {@code schema.registry.url}: the base of the Confluent-compatible REST API. */
  String schemaRegistryUrl();

  /**
   * A broker and a registry started elsewhere (a broker process a test restarts, a registry it
   * stops), seen as a fixture.
   */
  static KafkaStackFixture of(String bootstrapServers, String schemaRegistryUrl) {
    return new KafkaStackFixture() {
      @Override
      public String bootstrapServers() {
        return bootstrapServers;
      }

      @Override
      public String schemaRegistryUrl() {
        return schemaRegistryUrl;
      }
    };
  }

  /** Creates a topic with replication factor 1 and waits until the broker has it. */
  default void createTopic(String name, int partitions) {
    Topics.create(bootstrapServers(), name, partitions);
  }
}
