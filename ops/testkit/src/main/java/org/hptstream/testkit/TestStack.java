package org.hptstream.testkit;

import java.util.Locale;

/**
 * The one {@link KafkaStackFixture} of a test JVM, started on first use and stopped when the test
 * run ends ({@link TestStackExtension}) or, at the latest, when the JVM exits. System property
 * {@value #FIXTURE_PROPERTY} picks the kind: {@code local} (default: in-JVM broker + Apicurio
 * process, needs nothing installed) or {@code testcontainers} (Confluent images; needs a Docker
 * engine).
 */
public final class TestStack {

  /** System property that selects the fixture kind. */
  public static final String FIXTURE_PROPERTY = "hpt.fixture";

  private static AutoCloseable shared;
  private static RuntimeException failure; // a failed start is not retried by every later test
  private static boolean hookInstalled;

  private TestStack() {}

  /** The shared fixture; each test should use its own topic names and subjects. */
  public static synchronized KafkaStackFixture shared() {
    if (failure != null) {
      throw new IllegalStateException(
          "the shared test stack failed to start earlier: " + failure.getMessage(), failure);
    }
    if (shared == null) {
      try {
        shared = start();
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      }
      if (!hookInstalled) {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(TestStack::closeShared, "hpt-test-stack-shutdown"));
        hookInstalled = true;
      }
    }
    return (KafkaStackFixture) shared;
  }

  /**
   * Stops the shared fixture if it runs (a later {@link #shared()} starts a new one). Stopping it
   * before the JVM exits, rather than in a shutdown hook, keeps its shutdown out of the way of
   * other hooks.
   */
  public static synchronized void closeShared() {
    if (shared == null) {
      return;
    }
    try {
      shared.close();
    } catch (Exception e) {
      System.err.println("hpt test stack: close failed: " + e);
    } finally {
      shared = null;
    }
  }

  private static AutoCloseable start() {
    String kind = System.getProperty(FIXTURE_PROPERTY, "local").trim().toLowerCase(Locale.ROOT);
    return switch (kind) {
      case "local", "" -> LocalStackFixture.start();
      case "testcontainers" -> ContainersStackFixture.start();
      default ->
          throw new IllegalArgumentException(
              "-D" + FIXTURE_PROPERTY + "=" + kind + ": expected 'local' or 'testcontainers'");
    };
  }
}
