package org.hptstream.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.hptstream.stack.FreePort;
import org.hptstream.stack.RegistryProcess;
import org.hptstream.stack.StackException;

/**
 * The real Apicurio Registry 2.4.2 (Confluent-compatible API) as a child process on a free loopback
 * port, with in-memory storage. Starting one costs ~6 s, so tests share {@link #shared()}; it is
 * killed when closed or when the test JVM exits. The first use on a fresh machine builds the
 * registry jar (see {@code ops/registry/build.sh}).
 */
public final class RegistryFixture implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private static RegistryFixture shared;

  private final RegistryProcess process;
  private final Thread shutdownHook;

  private RegistryFixture(RegistryProcess process) {
    this.process = process;
    this.shutdownHook = new Thread(process::close, "hpt-registry-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** The registry shared by the whole test JVM, started on first use. */
  public static synchronized RegistryFixture shared() {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  /** Starts a registry of its own; close it when done. */
  public static RegistryFixture start() {
    StackException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = FreePort.pick();
      RegistryFixture fixture =
          new RegistryFixture(
              RegistryProcess.start(
                  new RegistryProcess.Settings(
                      port,
                      null,
                      logDir().resolve("hpt-registry-" + port + ".log"),
                      RegistryProcess.DEFAULT_JVM,
                      false)));
      try {
        fixture.process.awaitReady(READY_TIMEOUT);
        return fixture;
      } catch (StackException e) {
        boolean exitedEarly = !fixture.process.process().isAlive();
        fixture.close();
        last = e;
        if (!exitedEarly) {
          break; // it ran but did not answer: another port will not help
        }
        // it exited early, most likely because another process took the port in between: retry
      }
    }
    throw last;
  }

  /** Value for {@code schema.registry.url}: {@code http://127.0.0.1:<port>/apis/ccompat/v7}. */
  public String url() {
    return process.url();
  }

  /** Kills the process (SIGTERM first). */
  @Override
  public void close() {
    process.close();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs or ran: nothing to undo
    }
  }

  /** Maven's {@code target/} when running in a module (kept for inspection), else the temp dir. */
  private static Path logDir() {
    Path target = Path.of("target");
    return Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
  }
}
