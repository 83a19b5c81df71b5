package org.hptstream.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP side every long-running service shares: {@code GET /health} (JSON, 200 when up, 503
 * otherwise) and {@code GET /metrics} (Prometheus text format from a Micrometer registry); more
 * routes can be added before {@link #start()}. Built on the JDK's {@code HttpServer}: a few
 * endpoints do not justify a web framework. Binds to loopback unless configured otherwise.
 */
public final class ServiceHttp implements AutoCloseable {
  /** What {@code /health} reports. */
  public record Health(boolean up, String detailJson) {
    public static Health ok() {
      return new Health(true, "{}");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusMeterRegistry registry;

  /**
   * @param bind address and port to listen on (port 0 picks a free one; see {@link #port()})
   * @param health called on every {@code /health} request; must be cheap and thread-safe
   */
  public ServiceHttp(InetSocketAddress bind, Supplier<Health> health) throws IOException {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.server = HttpServer.create(bind, 0);
    this.executor = Executors.newFixedThreadPool(2, r -> daemon(r, "http-" + bind.getPort()));
    server.setExecutor(executor);
    route(
        "/health",
        ex -> {
          Health h = health.get();
          String body =
              "{\"status\":\"" + (h.up() ? "UP" : "DOWN") + "\",\"detail\":" + h.detailJson() + "}";
          respond(ex, h.up() ? 200 : 503, "application/json", body);
        });
    route(
        "/metrics",
        ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
  }

  /** The Micrometer registry whose meters {@code /metrics} exposes. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Adds a route; only GET and HEAD reach {@code handler}, other methods get 405. */
  public ServiceHttp route(String path, HttpHandler handler) {
    server.createContext(
        path,
        ex -> {
          try (ex) {
            String m = ex.getRequestMethod();
            if (!m.equals("GET") && !m.equals("HEAD")) {
              respond(ex, 405, "text/plain", "method not allowed\n");
              return;
            }
            handler.handle(ex);
          } catch (RuntimeException e) {
            respond(ex, 500, "text/plain", "internal error\n");
          }
        });
    return this;
  }

  public ServiceHttp start() {
    server.start();
    return this;
  }

  /** The bound port (useful when configured with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Writes a complete response. */
  public static void respond(HttpExchange ex, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    registry.close();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
