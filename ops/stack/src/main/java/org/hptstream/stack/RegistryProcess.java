package org.hptstream.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The Apicurio Registry as a child process, serving the Confluent-compatible API (usable as {@code
 * schema.registry.url}) on 127.0.0.1.
 */
public final class RegistryProcess implements AutoCloseable {

  /** Path of the Confluent-compatible API below the registry's root. */
  public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

  /**
   * JVM options for a registry that serves a few requests per second: small heap, C1 JIT only and
   * the serial GC start it 2-4x faster on a busy 2-core machine (measured 4.6-8.0 s vs 17-26 s).
   */
  public static final List<String> DEFAULT_JVM =
      List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * How to run it.
   *
   * @param port HTTP port on 127.0.0.1
   * @param storageDir directory of the H2 database files, or null for in-memory storage (ids are
   *     lost when the process ends: fine for tests only)
   * @param log file that receives the process output
   * @param jvmArgs extra JVM options (heap, JIT)
   * @param detached run in a session of its own, to outlive the starting command (see {@link
   *     JavaProcess#launchDetached}); false for test fixtures, which should die with the test run
   */
  public record Settings(
      int port, Path storageDir, Path log, List<String> jvmArgs, boolean detached) {
    public Settings {
      jvmArgs = List.copyOf(jvmArgs);
    }
  }

  private final JavaProcess process;
  private final String url;

  private RegistryProcess(JavaProcess process, String url) {
    this.process = process;
    this.url = url;
  }

  /** Starts the registry (building its jar first if needed); call {@link #awaitReady} next. */
  public static RegistryProcess start(Settings settings) {
    Path jar = RegistryJar.ensureBuilt();
    List<String> jvm = new ArrayList<>(settings.jvmArgs());
    jvm.add("-Dquarkus.http.host=127.0.0.1");
    jvm.add("-Dquarkus.http.port=" + settings.port());
    if (settings.storageDir() != null) {
      Path db = settings.storageDir().toAbsolutePath().resolve("registry_db");
      jvm.add("-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + db);
    }
    List<String> main = List.of("-jar", jar.toString());
    JavaProcess p =
        settings.detached()
            ? JavaProcess.launchDetached("registry", jvm, main, settings.log())
            : JavaProcess.launch("registry", jvm, main, settings.log());
    return new RegistryProcess(p, urlFor(settings.port()));
  }

  /** The Confluent-compatible base URL of a registry on 127.0.0.1:{@code port}. */
  public static String urlFor(int port) {
    return "http://127.0.0.1:" + port + CCOMPAT_PATH;
  }

  /** Whether a Confluent-compatible registry answers at {@code url} (GET {@code /subjects}). */
  public static boolean answers(String url) {
    return answers(url, null);
  }

  /**
   * Like {@link #answers(String)}, with HTTP basic auth when {@code userInfo} ({@code
   * user:password}) is not null.
   */
  public static boolean answers(String url, String userInfo) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(stripSlash(url) + "/subjects"))
            .timeout(Duration.ofSeconds(3))
            .GET();
    if (userInfo != null && !userInfo.isBlank()) {
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Blocks until the API answers; fails with a pointer to the log if it does not in time. */
  public RegistryProcess awaitReady(Duration timeout) {
    process.awaitReady(url, () -> answers(url), timeout);
    return this;
  }

  /** The Confluent-compatible base URL, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
  public String url() {
    return url;
  }

  public JavaProcess process() {
    return process;
  }

  /** Stops the process (SIGTERM, then kill after 20 s). */
  @Override
  public void close() {
    process.stop(Duration.ofSeconds(20));
  }
}
