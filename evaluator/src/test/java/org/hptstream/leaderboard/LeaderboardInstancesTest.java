package org.hptstream.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.HostInfo;
import org.hptstream.clients.AvroPublisher;
import org.hptstream.evaluation.events.MetricEvents;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.schemas.PromotionDecision;
import org.hptstream.service.ServiceHttp;
import org.hptstream.testkit.EmbeddedKafka;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.hptstream.topics.TopicNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the leaderboard application split its state (two-partition metrics and
 * checkpoint topics, on a broker of its own): the JSON API of either instance shows every domain,
 * every leader, the promoted checkpoint and the whole lineage, gathered from both.
 */
@ExtendWith(TestStackExtension.class)
class LeaderboardInstancesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> DOMAINS = List.of("alpha", "beta", "gamma", "delta");

  @TempDir Path tmp;

  @Test
  void eitherInstanceAnswersForTheWholeLeaderboard(KafkaStackFixture stack) throws Exception {
    try (EmbeddedKafka broker = EmbeddedKafka.start()) {
      broker.createTopic(TopicNames.METRICS, 2);
      broker.createTopic(TopicNames.CHECKPOINTS, 2);
      Map<String, Object> clients = new HashMap<>();
      clients.put("bootstrap.servers", broker.bootstrapServers());
      clients.put("schema.registry.url", stack.schemaRegistryUrl());
      clients.put("specific.avro.reader", "true");
      List<ServiceHttp> https = new ArrayList<>();
      List<Leaderboard> boards = new ArrayList<>();
      try {
        for (String name : List.of("a", "b")) {
          ServiceHttp http =
              new ServiceHttp(new InetSocketAddress("127.0.0.1", 0), ServiceHttp.Health::ok);
          https.add(http);
          Leaderboard board =
              new Leaderboard(
                  clients,
                  new LeaderboardConfig("lb-two", tmp.resolve(name), Duration.ofMillis(200)),
                  new HostInfo("127.0.0.1", http.port()));
          boards.add(board);
          LeaderboardHttp.register(http, board);
          http.start();
        }
        for (Leaderboard b : boards) {
          b.awaitRunning(Duration.ofMinutes(1));
        }
        publish(clients);

        for (ServiceHttp http : https) {
          String base = "http://127.0.0.1:" + http.port();
          await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> complete(base));
        }
        // Each partition of a store has one host: whatever the assignment, at least one instance
        // answered above with parts it does not host (usually both: each hosts some).
        Set<HostInfo> hosts = new HashSet<>();
        for (String store : Leaderboard.STORES) {
          hosts.addAll(boards.get(0).hosts(store));
        }
        System.out.println("stores hosted by " + hosts);
        for (ServiceHttp http : https) {
          String base = "http://127.0.0.1:" + http.port();
          JsonNode alpha = get(base + "/api/domain?name=alpha");
          JsonNode linear = null;
          for (JsonNode s : alpha.get("leaderboard")) {
            if (s.get("metric").asText().equals("linear-top1")) {
              linear = s;
            }
          }
          assertThat(linear).isNotNull();
          assertThat(linear.get("best").get("checkpointId").asText()).isEqualTo("alpha-c2");
          assertThat(linear.get("gainOverBase").asDouble())
              .isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
          assertThat(alpha.get("promotedCheckpointId").asText()).isEqualTo("alpha-c2");
          assertThat(alpha.get("history").get("linear-top1").get("HPT")).hasSize(2);
        }
      } finally {
        boards.forEach(Leaderboard::close);
        https.forEach(ServiceHttp::close);
      }
    }
  }

  /**
   * Per domain: BASE, two HPT checkpoints (linear and kNN), the lineage root -> c1 -> c2, and the
   * promoted c2.
   */
  private static void publish(Map<String, Object> clients) {
    long now = System.currentTimeMillis();
    try (AvroPublisher<MetricEvent> m = new AvroPublisher<>(clients, MetricEvents.TOPIC);
        AvroPublisher<CheckpointEvent> c =
            new AvroPublisher<>(
                clients, org.hptstream.topics.TopicSpec.events(TopicNames.CHECKPOINTS));
        AvroPublisher<PromotionDecision> p =
            new AvroPublisher<>(clients, Leaderboard.compacted(TopicNames.PROMOTIONS))) {
      for (String d : DOMAINS) {
        for (MetricEvent e :
            List.of(
                Events.metric(d, "linear-top1", d + "-root", "BASE", 0, 0.50, now),
                Events.metric(d, "linear-top1", d + "-c1", "HPT", 100, 0.60, now + 1),
                Events.metric(d, "linear-top1", d + "-c2", "HPT", 200, 0.70, now + 2),
                Events.metric(d, "knn-top1", d + "-c2", "HPT", 200, 0.55, now + 2))) {
          m.publish(e.getCheckpointId(), e);
        }
        c.publish(d, Events.checkpoint(d, d + "-root", null, 0, now));
        c.publish(d, Events.checkpoint(d, d + "-c1", d + "-root", 100, now + 1));
        c.publish(d, Events.checkpoint(d, d + "-c2", d + "-c1", 200, now + 2));
        p.publish(
            d,
            PromotionDecision.newBuilder()
                .setDomain(d)
                .setCheckpointId(d + "-c2")
                .setPromoted(true)
                .setReason("test")
                .setPromotedCheckpointId(d + "-c2")
                .setDecidedAt(Instant.ofEpochMilli(now + 3))
                .build());
      }
    }
  }

  /** The instance at {@code base} shows every domain with its leaders, promotion and lineage. */
  private static boolean complete(String base) throws Exception {
    JsonNode domains = get(base + "/api/domains");
    Set<String> names = new HashSet<>();
    domains.forEach(n -> names.add(n.asText()));
    if (!names.containsAll(DOMAINS)) {
      return false;
    }
    for (String d : DOMAINS) {
      JsonNode v = get(base + "/api/domain?name=" + d);
      if (v.get("leaderboard").size() != 2
          || !v.get("promotedCheckpointId").asText().equals(d + "-c2")) {
        return false;
      }
      if (get(base + "/api/checkpoints?domain=" + d).size() != 3) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
