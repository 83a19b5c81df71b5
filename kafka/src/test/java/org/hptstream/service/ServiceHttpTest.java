package org.hptstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ServiceHttpTest {
  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path, String method) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesHealthAndPrometheusMetrics() throws Exception {
    AtomicBoolean up = new AtomicBoolean(true);
    try (ServiceHttp http =
        new ServiceHttp(
            new InetSocketAddress("127.0.0.1", 0),
            () -> new ServiceHttp.Health(up.get(), "{\"jobs\":1}"))) {
      http.registry().counter("hpt.test.images.consumed", "domain", "d1").increment(3);
      http.start();

      HttpResponse<String> health = get(http.port(), "/health", "GET");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"status\":\"UP\",\"detail\":{\"jobs\":1}}");
      up.set(false);
      assertThat(get(http.port(), "/health", "GET").statusCode()).isEqualTo(503);

      HttpResponse<String> metrics = get(http.port(), "/metrics", "GET");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("hpt_test_images_consumed_total{domain=\"d1\"} 3.0");

      assertThat(get(http.port(), "/metrics", "POST").statusCode()).isEqualTo(405);
      assertThat(get(http.port(), "/nothing-here", "GET").statusCode()).isEqualTo(404);
    }
  }
}
