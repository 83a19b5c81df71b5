package org.hptstream.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Registry credentials against real HTTP servers (JDK HttpServer on loopback): they reach the
 * configured origin only, never another host through a redirect, and never a message.
 */
class RegistryCredentialsTest {
  private static final String SECRET = "S3cr3t-pw-7f1c";
  private static final String SCHEMA = "{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}";

  /** What one server saw: path and Authorization header (or "none") of each request. */
  private record Seen(String path, String authorization) {}

  private HttpServer origin;
  private HttpServer elsewhere;
  private final List<Seen> atOrigin = new CopyOnWriteArrayList<>();
  private final List<Seen> atElsewhere = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    elsewhere.createContext(
        "/",
        ex -> {
          atElsewhere.add(seen(ex));
          answer(ex, 200, SCHEMA, null);
        });
    elsewhere.start();
    origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    origin.createContext(
        "/",
        ex -> {
          atOrigin.add(seen(ex));
          String path = ex.getRequestURI().getPath();
          if (path.endsWith("/schemas/ids/1")) {
            // Another host: "localhost" instead of 127.0.0.1, and another port.
            answer(
                ex,
                307,
                "",
                "http://localhost:" + elsewhere.getAddress().getPort() + "/moved/schemas/ids/1");
          } else if (path.endsWith("/schemas/ids/2")) {
            answer(ex, 302, "", "/same/schemas/ids/22");
          } else if (path.endsWith("/schemas/ids/22")) {
            answer(ex, 200, SCHEMA, null);
          } else if (path.endsWith("/schemas/ids/3")) {
            answer(ex, 401, "{\"message\":\"Unauthorized\"}", null);
          } else {
            answer(ex, 500, "{\"message\":\"down\"}", null);
          }
        });
    origin.start();
  }

  @AfterEach
  void stop() {
    origin.stop(0);
    elsewhere.stop(0);
  }

  private String originUrl(String userInfo) {
    return "http://"
        + (userInfo == null ? "" : userInfo + "@")
        + "127.0.0.1:"
        + origin.getAddress().getPort()
        + "/apis/ccompat/v7";
  }

  private static String basic(String userInfo) {
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aRedirectToAnotherHostDoesNotCarryTheCredentials() {
    SchemaRegistryClient client =
        SchemaRegistryClient.fromConfigs(
            Map.of(
                RegistryConfig.URL, originUrl(null), RegistryConfig.USER_INFO, "alice:" + SECRET));
    assertThat(client.getById(1)).isEqualTo(Schema.create(Schema.Type.STRING));
    assertThat(atOrigin)
        .containsExactly(new Seen("/apis/ccompat/v7/schemas/ids/1", basic("alice:" + SECRET)));
    assertThat(atElsewhere).containsExactly(new Seen("/moved/schemas/ids/1", "none"));

    // A redirect within the origin keeps them.
    assertThat(client.getById(2)).isEqualTo(Schema.create(Schema.Type.STRING));
    assertThat(atOrigin.subList(1, 3))
        .containsExactly(
            new Seen("/apis/ccompat/v7/schemas/ids/2", basic("alice:" + SECRET)),
            new Seen("/same/schemas/ids/22", basic("alice:" + SECRET)));
  }

  @Test
  void credentialsInTheUrlAreUsedButNeverShown() {
    Map<String, Object> configs =
        Map.of(
            RegistryConfig.URL,
            originUrl("alice:" + SECRET),
            RegistryConfig.MAX_ATTEMPTS,
            "2",
            RegistryConfig.BACKOFF_MS,
            "1");
    RegistryConfig config = RegistryConfig.fromConfigs(configs);
    assertThat(config.urls().toString()).doesNotContain(SECRET).doesNotContain("alice");
    assertThat(config.toString()).doesNotContain(SECRET);
    SchemaRegistryClient client = new SchemaRegistryClient(config);

    // Every failure's message: refused credentials, a 5xx after retries, an unreachable host.
    List<Throwable> failures = new java.util.ArrayList<>();
    failures.add(catchFrom(() -> client.getById(3)));
    failures.add(catchFrom(() -> client.getById(4)));
    assertThat(atOrigin).allMatch(s -> s.authorization().equals(basic("alice:" + SECRET)));
    SchemaRegistryClient unreachable =
        SchemaRegistryClient.fromConfigs(
            Map.of(
                RegistryConfig.URL,
                "https://alice:" + SECRET + "@127.0.0.1:" + closedPort() + "/x",
                RegistryConfig.MAX_ATTEMPTS,
                "1"));
    failures.add(catchFrom(() -> unreachable.getById(1)));
    failures.add(
        catchFrom(
            () ->
                RegistryConfig.fromConfigs(
                    Map.of(RegistryConfig.URL, "ftp://alice:" + SECRET + "@host/x"))));
    failures.add(
        catchFrom(
            () ->
                RegistryConfig.fromConfigs(
                    Map.of(
                        RegistryConfig.USER_INFO,
                        "no-colon-" + SECRET,
                        "schema.registry.url",
                        "http://h"))));
    assertThat(failures).hasSize(5).doesNotContainNull();
    for (Throwable t : failures) {
      java.io.StringWriter trace = new java.io.StringWriter();
      t.printStackTrace(new java.io.PrintWriter(trace));
      assertThat(trace.toString()).doesNotContain(SECRET);
    }
    assertThat(failures.get(0)).hasMessageContaining("refused the credentials");
    assertThat(failures.get(2)).hasMessageContaining("unreachable");
  }

  private static Throwable catchFrom(Runnable r) {
    try {
      r.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static int closedPort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Seen seen(HttpExchange ex) {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    return new Seen(ex.getRequestURI().getPath(), auth == null ? "none" : auth);
  }

  private static void answer(HttpExchange ex, int status, String body, String location)
      throws IOException {
    if (location != null) {
      ex.getResponseHeaders().add("Location", location);
    }
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      ex.getResponseBody().write(b);
    }
    ex.close();
  }
}
