package org.hptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hptstream.trainer.ServiceFixtures.events;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on one group split the domains, share one checkpoint store, and keep polling while
 * their jobs train far longer than a short {@code max.poll.interval.ms}.
 */
@ExtendWith(TestStackExtension.class)
class TrainerGroupTest {
  @TempDir Path tmp;

  @Test
  void twoInstancesSplitTheDomainsAndEachJobIsAnnouncedOnce(KafkaStackFixture stack)
      throws Exception {
    List<String> domains = List.of("grp-a", "grp-b");
    for (String d : domains) {
      ServiceFixtures.ingest(stack, tmp, d, 200, 264);
    }
    Map<String, Object> client = ServiceFixtures.clientConfig(stack);
    // Far below a job's time: an instance that stopped polling while training would be evicted.
    client.put("max.poll.interval.ms", 3000);
    Path store = tmp.resolve("shared-checkpoints");
    DomainPolicy policy = ServiceFixtures.tinyPolicy(4, 64);
    TrainerService a = start(client, store, "a", policy);
    TrainerService b = start(client, store, "b", policy);
    try {
      await()
          .atMost(Duration.ofMinutes(4))
          .until(() -> domains.stream().allMatch(d -> events(stack, d).size() >= 1));
      await().atMost(Duration.ofMinutes(1)).until(() -> held(a) + held(b) == 2);
      assertThat(held(a)).as("instance a holds one domain: %s", health(a)).isEqualTo(1);
      assertThat(held(b)).as("instance b holds one domain: %s", health(b)).isEqualTo(1);
    } finally {
      a.stop();
      b.stop();
      assertThat(a.awaitStopped(Duration.ofMinutes(2))).isTrue();
      assertThat(b.awaitStopped(Duration.ofMinutes(2))).isTrue();
    }
    for (String d : domains) {
      assertThat(events(stack, d)).as(d).hasSize(1);
      assertThat(
              new LocalCheckpointStore(store)
                  .list().stream().filter(m -> m.domain().equals(d) && m.steps() == 4))
          .as("one final checkpoint of %s in the shared store", d)
          .hasSize(1);
    }
  }

  private static TrainerService start(
      Map<String, Object> client, Path store, String instance, DomainPolicy policy)
      throws Exception {
    TrainerService s =
        new TrainerService(
            new TrainerConfig(
                "grp-group",
                instance,
                store,
                null,
                1,
                null,
                "cpu",
                0,
                1_000L,
                "grp-(a|b)",
                policy,
                Map.of()),
            client);
    Thread t = new Thread(s::run, "trainer-" + instance);
    t.start();
    return s;
  }

  private static int held(TrainerService s) throws Exception {
    String h = health(s);
    return (h.contains("\"grp-a\"") ? 1 : 0) + (h.contains("\"grp-b\"") ? 1 : 0);
  }

  private static String health(TrainerService s) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + "/health"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
