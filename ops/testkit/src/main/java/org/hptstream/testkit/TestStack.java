package org.hptstream.testkit;

import java.util.Locale;

/**
 * The one {@link KafkaStackFixture} of a test JVM, started on first use and stopped when the JVM
 * exits. System property {@value #FIXTURE_PROPERTY} picks the kind: {@code local} (default: in-JVM
 * broker + Apicurio process, needs nothing installed) or {@code testcontainers} (Confluent images;
 * needs a Docker engine).
 */
public final class TestStack {

  /** System property that selects the fixture kind. */
  public static final String FIXTURE_PROPERTY = "hpt.fixture";

  private static KafkaStackFixture shared;
  private static RuntimeException failure; // a failed start is not retried by every later test

  private TestStack() {}

  /** The shared fixture; each test should use its own topic names and subjects. */
  public static synchronized KafkaStackFixture shared() {
    if (failure != null) {
      throw new IllegalStateException("the shared test stack failed to start earlier: " + failure.getMessage(), failure);
    }
    if (shared == null) {
      try {
        shared = start();
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      }
    }
    return shared;
  }

  private static KafkaStackFixture start() {
    String kind = System.getProperty(FIXTURE_PROPERTY, "local").trim().toLowerCase(Locale.ROOT);
    AutoCloseable fixture =
        switch (kind) {
          case "local", "" -> LocalStackFixture.start();
          case "testcontainers" -> ContainersStackFixture.start();
          default -> throw new IllegalArgumentException(
              "-D" + FIXTURE_PROPERTY + "=" + kind + ": expected 'local' or 'testcontainers'");
        };
    Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(fixture), "hpt-test-stack-shutdown"));
    return (KafkaStackFixture) fixture;
  }

  private static void closeQuietly(AutoCloseable fixture) {
    try {
      fixture.close();
    } catch (Exception e) {
      System.err.println("hpt test stack: close failed: " + e);
    }
  }
}
