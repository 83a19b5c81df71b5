package org.hptstream.testkit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The default fixture: an in-JVM KRaft broker ({@link EmbeddedKafka}) plus the shared Apicurio
 * registry process ({@link RegistryFixture}), started side by side.
 */
public final class LocalStackFixture implements KafkaStackFixture, AutoCloseable {

  private final EmbeddedKafka kafka;
  private final RegistryFixture registry;

  private LocalStackFixture(EmbeddedKafka kafka, RegistryFixture registry) {
    this.kafka = kafka;
    this.registry = registry;
  }

  /** Starts a broker of its own and uses the JVM-wide registry (starting it if needed). */
  public static LocalStackFixture start() {
    CompletableFuture<RegistryFixture> registry =
        CompletableFuture.supplyAsync(RegistryFixture::shared);
    EmbeddedKafka kafka = EmbeddedKafka.start();
    try {
      return new LocalStackFixture(kafka, registry.join());
    } catch (CompletionException e) {
      kafka.close();
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @Override
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  @Override
  public String schemaRegistryUrl() {
    return registry.url();
  }

  /** Stops the broker; the shared registry lives until the JVM exits. */
  @Override
  public void close() {
    kafka.close();
  }
}
