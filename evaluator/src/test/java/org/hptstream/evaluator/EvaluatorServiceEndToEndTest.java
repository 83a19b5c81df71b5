package org.hptstream.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hptstream.clients.AvroPublisher;
import org.hptstream.data.FashionMnist;
import org.hptstream.leaderboard.LeaderboardConfig;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.DeadLetter;
import org.hptstream.schemas.MetricDirection;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * End to end on the real broker and registry, with real libtorch and a real browser: a checkpoint
 * written by {@code hpt pretrain} and announced on {@code hpt.checkpoints} becomes committed metric
 * events (its own and the domain's BASE row), a leaderboard row in the JSON API and on the page
 * (headless Chromium); a tampered checkpoint and an unknown id become dead letters with the reason;
 * a periodic checkpoint that is gone from the store (collected after its job's final) is skipped.
 */
@ExtendWith(TestStackExtension.class)
class EvaluatorServiceEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void checkpointToMetricsToLeaderboardToPage(KafkaStackFixture stack) throws Exception {
    String domain = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> clients = ServiceFixtures.clients(stack);
    Path store = tmp.resolve("store");
    String id = ServiceFixtures.pretrain(store, domain, "target", null, 4);
    ServiceFixtures.ingestLabelled(
        clients,
        domain,
        FashionMnist.train().slice(30000, 30300),
        FashionMnist.test().slice(0, 200));

    EvaluatorServiceConfig config = ServiceFixtures.config(store, "e2e-" + domain, "a");
    ServiceFixtures.startGroupAtEnd(clients, config.groupId());
    LeaderboardConfig board =
        new LeaderboardConfig("lb-" + domain, tmp.resolve("lb-state"), Duration.ofMillis(200));
    try (EvaluatorApp app = EvaluatorApp.start(config, board, clients);
        AvroPublisher<CheckpointEvent> checkpoints = ServiceFixtures.checkpoints(clients)) {
      // Queued before the loop starts, so they arrive together: a periodic checkpoint of the job
      // (superseded by the job's final one behind it: skipped), the final one, one whose event
      // names a hash the files do not have, one not in the store.
      CheckpointEvent periodic = ServiceFixtures.event(store, id);
      periodic.setKind(org.hptstream.schemas.CheckpointKind.PERIODIC);
      checkpoints.publish(domain, periodic);
      checkpoints.publish(domain, ServiceFixtures.event(store, id));
      CheckpointEvent wrongHash = ServiceFixtures.event(store, id);
      wrongHash.getWeights().setSha256("0".repeat(64));
      checkpoints.publish(domain, wrongHash);
      CheckpointEvent unknown = ServiceFixtures.event(store, id);
      unknown.setCheckpointId("f".repeat(64));
      checkpoints.publish(domain, unknown);
      // A periodic checkpoint the trainer has collected since (its job's final was announced):
      // skipped, not a dead letter.
      CheckpointEvent collected = ServiceFixtures.event(store, id);
      collected.setKind(org.hptstream.schemas.CheckpointKind.PERIODIC);
      collected.setCheckpointId("e".repeat(64));
      collected.setJobId("job-collected");
      checkpoints.publish(domain, collected);
      Thread loop = new Thread(app::run, "evaluator-loop");
      loop.start();
      app.leaderboard().awaitRunning(Duration.ofMinutes(1));

      await()
          .atMost(Duration.ofMinutes(3))
          .until(() -> ServiceFixtures.deadLetters(clients, domain).size() >= 2);
      List<DeadLetter> dead = ServiceFixtures.deadLetters(clients, domain);
      assertThat(dead).extracting(DeadLetter::getErrorClass).containsExactly("TAMPERED", "MISSING");
      assertThat(dead.get(0).getErrorMessage()).contains("sha256");
      assertThat(dead.get(1).getErrorMessage()).contains("not in the store");
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> app.service().skippedCount() >= 2); // the superseded and the collected one
      assertThat(ServiceFixtures.deadLetters(clients, domain)).hasSize(2);

      List<MetricEvent> metrics = ServiceFixtures.metrics(clients, domain);
      // The checkpoint itself, the domain's BASE row (its lineage root: itself here) and the
      // random network of its architecture.
      Map<String, Long> perStrategy =
          metrics.stream()
              .filter(m -> m.getMetric().equals("linear-top1"))
              .collect(Collectors.groupingBy(MetricEvent::getStrategy, Collectors.counting()));
      assertThat(perStrategy)
          .containsOnly(Map.entry("TARGET", 1L), Map.entry("BASE", 1L), Map.entry("RANDOM", 1L));
      MetricEvent top1 =
          metrics.stream()
              .filter(m -> m.getMetric().equals("linear-top1") && m.getStrategy().equals("TARGET"))
              .findFirst()
              .orElseThrow();
      assertThat(top1.getCheckpointId()).isEqualTo(id);
      assertThat(top1.getDirection()).isEqualTo(MetricDirection.HIGHER_IS_BETTER);
      assertThat(top1.getExamples()).containsEntry("test", 200L);
      assertThat(top1.getParameters()).containsEntry("steps", "30");
      assertThat(top1.getRuns()).isEqualTo(3);
      assertThat(top1.getSpread()).isNotNull();
      assertThat(top1.getSteps()).isEqualTo(4L);
      assertThat(top1.getValue()).isBetween(0.0, 1.0);

      // The leaderboard's JSON API.
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + app.port();
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () -> {
                JsonNode v = get(http, base + "/api/domain?name=" + domain);
                return v != null && v.get("leaderboard").size() >= 2;
              });
      JsonNode view = get(http, base + "/api/domain?name=" + domain);
      JsonNode linear = null;
      for (JsonNode s : view.get("leaderboard")) {
        if (s.get("metric").asText().equals("linear-top1")) {
          linear = s;
        }
      }
      assertThat(linear).isNotNull();
      assertThat(linear.get("best").get("checkpointId").asText()).isEqualTo(id);
      assertThat(linear.get("base").get("checkpointId").asText()).isEqualTo(id);
      assertThat(linear.get("gainOverBase").asDouble())
          .isCloseTo(0.0, org.assertj.core.data.Offset.offset(0.02));
      assertThat(get(http, base + "/health").get("status").asText()).isEqualTo("UP");
      String prom =
          http.send(
                  HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(prom).contains("hpt_evaluator_evaluations_total{outcome=\"done\"} 1.0");
      assertThat(prom).contains("hpt_evaluator_evaluations_total{outcome=\"failed\"} 2.0");
      assertThat(prom).contains("hpt_evaluator_evaluations_total{outcome=\"skipped\"} 2.0");
      assertThat(prom).contains("hpt_evaluator_protocol_seconds_count{protocol=\"linear\"}");

      page(base, domain, clients, top1);
      app.stop(Duration.ofSeconds(30));
      loop.join(30_000);
    }
  }

  /** The page in headless Chromium: rows, charts with one series per strategy, a live update. */
  private void page(String base, String domain, Map<String, Object> clients, MetricEvent top1)
      throws Exception {
    System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,900");
    WebDriver browser = new ChromeDriver(options);
    try {
      browser.get(base + "/?domain=" + domain);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> browser.findElements(By.cssSelector("#leaderboard tbody tr")).size() >= 2);
      String table = browser.findElement(By.id("leaderboard")).getText();
      assertThat(table).contains("linear-top1").contains("knn-top1").contains("TARGET");
      assertThat(series(browser, "linear-top1")).isEqualTo(3); // BASE, RANDOM and TARGET
      assertThat(series(browser, "knn-top1")).isEqualTo(3);
      assertThat(drawnPixels(browser, "linear-top1")).isGreaterThan(1000);

      // A new result arrives (an HPT checkpoint of the domain, better): the page follows, no
      // reload.
      MetricEvent hpt = MetricEvent.newBuilder(top1).build();
      hpt.setCheckpointId("hpt-" + UUID.randomUUID());
      hpt.setStrategy("HPT");
      hpt.setSteps(8L);
      hpt.setValue(Math.min(1.0, top1.getValue() + 0.05));
      hpt.setTimestamp(Instant.now());
      try (AvroPublisher<MetricEvent> p =
          new AvroPublisher<>(clients, org.hptstream.evaluation.events.MetricEvents.TOPIC)) {
        p.publish(hpt.getCheckpointId(), hpt);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> series(browser, "linear-top1") == 4);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> browser.findElement(By.id("leaderboard")).getText().contains("HPT"));
      // Written under target/ so a test run leaves the tree clean; docs/leaderboard-page.png is a
      // committed copy of it (refresh with -Dhpt.screenshot.dir=docs).
      Path png =
          Path.of(System.getProperty("hpt.screenshot.dir", "target"), "leaderboard-page.png");
      Files.createDirectories(png.getParent());
      Files.write(
          png,
          ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES),
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING);
    } finally {
      browser.quit();
    }
  }

  private static long series(WebDriver browser, String metric) {
    Object n =
        ((JavascriptExecutor) browser)
            .executeScript(
                "const c = Chart.getChart('chart-' + arguments[0]);"
                    + " return c ? c.data.datasets.filter(d => d.data.length > 0).length : -1;",
                metric);
    return ((Number) n).longValue();
  }

  /** Non-transparent pixels of a chart's canvas: something was drawn. */
  private static long drawnPixels(WebDriver browser, String metric) {
    Object n =
        ((JavascriptExecutor) browser)
            .executeScript(
                "const c = document.getElementById('chart-' + arguments[0]);"
                    + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                    + " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;",
                metric);
    return ((Number) n).longValue();
  }

  private static JsonNode get(HttpClient http, String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
  }
}
