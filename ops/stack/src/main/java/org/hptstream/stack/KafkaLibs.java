package org.hptstream.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The broker's classpath: the runtime dependencies of {@code org.apache.kafka:kafka_2.13} plus a
 * log4j2 binding, copied by this module's build into {@code ops/stack/target/kafka-libs}. They stay
 * off the CLI's own classpath.
 */
public final class KafkaLibs {

  private KafkaLibs() {}

  /**
   * The directory: system property {@code hpt.kafka.libs}, else {@code
   * <repo>/ops/stack/target/kafka-libs}.
   */
  public static Path dir() {
    String prop = System.getProperty("hpt.kafka.libs");
    Path dir =
        prop != null && !prop.isBlank()
            ? Path.of(prop)
            : HptPaths.requireHome().resolve("ops/stack/target/kafka-libs");
    try (Stream<Path> jars = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
      if (jars.noneMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-"))) {
        throw new StackException(
            "no Kafka broker jars in "
                + dir
                + ": build them with `mvn -pl ops/stack -am package -DskipTests`");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }
}
