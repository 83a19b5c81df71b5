package org.hptstream.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The broker's classpath: the runtime dependencies of {@code org.apache.kafka:kafka_2.13} plus a
 * log4j2 binding. They stay off the CLI's own classpath: a distribution ships them in {@code
 * lib/broker}, a source checkout's build copies them into {@code ops/stack/target/kafka-libs}.
 */
public final class KafkaLibs {

  private KafkaLibs() {}

  /**
   * The directory: system property {@code hpt.kafka.libs}, else the installation's {@code
   * lib/broker}, else {@code <repo>/ops/stack/target/kafka-libs}.
   */
  public static Path dir() {
    String prop = System.getProperty("hpt.kafka.libs");
    String remedy;
    Path dir;
    if (prop != null && !prop.isBlank()) {
      dir = Path.of(prop);
      remedy = "point -Dhpt.kafka.libs at the broker's jars";
    } else if (HptPaths.install().isPresent()) {
      dir = HptPaths.install().get().resolve("lib").resolve("broker");
      remedy = "the installation is incomplete: unpack the hpt archive again";
    } else {
      dir = HptPaths.requireRepo().resolve("ops/stack/target/kafka-libs");
      remedy = "build them with `mvn -pl ops/stack -am package -DskipTests`";
    }
    try (Stream<Path> jars = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
      if (jars.noneMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-"))) {
        throw new StackException("no Kafka broker jars in " + dir + ": " + remedy);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }
}
