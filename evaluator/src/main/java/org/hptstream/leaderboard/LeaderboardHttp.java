package org.hptstream.leaderboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.hptstream.service.ServiceHttp;

/**
 * The leaderboard's HTTP routes on a {@link ServiceHttp}: JSON interactive queries and the page.
 *
 * <ul>
 *   <li>{@code GET /api/domains}: the domains with results;
 *   <li>{@code GET /api/domain?name=D}: leaders per comparison group, the charted history and the
 *       promoted checkpoint;
 *   <li>{@code GET /api/checkpoints?domain=D}: the lineage;
 *   <li>{@code GET /}: the page; {@code /assets/chart.umd.js}: Chart.js from its webjar on the
 *       classpath (nothing is fetched from elsewhere);
 *   <li>{@code GET /api/internal/store?name=S}: this instance's part of state store S, for the
 *       other instances of the application (see {@link Leaderboard}).
 * </ul>
 *
 * While the application rebalances, queries answer 503.
 */
public final class LeaderboardHttp {
  /** The charting library's webjar version, from its Maven metadata on the classpath. */
  static final String CHART_JS = "META-INF/resources/webjars/chart.js/%s/dist/chart.umd.js";

  private static final ObjectMapper JSON = new ObjectMapper();

  private LeaderboardHttp() {}

  /** Adds the routes of a running leaderboard, with the endpoint its other instances query. */
  public static void register(ServiceHttp http, Leaderboard board) {
    register(http, board::view);
    http.route(
        "/api/internal/store",
        ex -> {
          String store = query(ex).get("name");
          if (store == null || !Leaderboard.STORES.contains(store)) {
            ServiceHttp.respond(
                ex, 400, "text/plain", "give ?name=<one of " + Leaderboard.STORES + ">\n");
            return;
          }
          json(ex, () -> board.localEntries(store));
        });
  }

  /** Adds the routes; {@code view} is asked on every request. */
  public static void register(ServiceHttp http, Supplier<LeaderboardView> view) {
    http.route("/api/domains", ex -> json(ex, () -> view.get().domains()));
    http.route(
        "/api/domain",
        ex -> {
          String d = query(ex).get("name");
          if (d == null) {
            ServiceHttp.respond(ex, 400, "text/plain", "give ?name=<domain>\n");
            return;
          }
          json(ex, () -> view.get().domain(d));
        });
    http.route(
        "/api/checkpoints",
        ex -> {
          String d = query(ex).get("domain");
          if (d == null) {
            ServiceHttp.respond(ex, 400, "text/plain", "give ?domain=<domain>\n");
            return;
          }
          json(ex, () -> view.get().lineage(d));
        });
    http.route("/assets/chart.umd.js", ex -> resource(ex, chartJsPath(), "text/javascript"));
    http.route(
        "/",
        ex -> {
          String path = ex.getRequestURI().getPath();
          if (!path.equals("/") && !path.equals("/index.html")) {
            ServiceHttp.respond(ex, 404, "text/plain", "not found\n");
            return;
          }
          resource(ex, "org/hptstream/leaderboard/page/index.html", "text/html; charset=utf-8");
        });
  }

  private static void json(HttpExchange ex, Supplier<Object> body) throws IOException {
    Object value;
    try {
      value = body.get();
    } catch (InvalidStateStoreException e) {
      ServiceHttp.respond(ex, 503, "application/json", "{\"error\":\"leaderboard not ready\"}");
      return;
    }
    ServiceHttp.respond(ex, 200, "application/json", JSON.writeValueAsString(value));
  }

  private static void resource(HttpExchange ex, String path, String type) throws IOException {
    try (InputStream in = LeaderboardHttp.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        ServiceHttp.respond(ex, 404, "text/plain", "not found\n");
        return;
      }
      byte[] bytes = in.readAllBytes();
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(200, ex.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
      if (!ex.getRequestMethod().equals("HEAD")) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  static String chartJsPath() {
    String props = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    try (InputStream in = LeaderboardHttp.class.getClassLoader().getResourceAsStream(props)) {
      java.util.Properties p = new java.util.Properties();
      if (in != null) {
        p.load(in);
      }
      return String.format(CHART_JS, p.getProperty("version", "missing"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, String> query(HttpExchange ex) {
    Map<String, String> out = new LinkedHashMap<>();
    String q = ex.getRequestURI().getRawQuery();
    if (q == null) {
      return out;
    }
    for (String kv : q.split("&")) {
      int i = kv.indexOf('=');
      if (i > 0) {
        out.put(
            URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8),
            URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
