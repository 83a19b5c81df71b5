package org.hptstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hptstream.cli.Hpt;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.serde.AvroDeserializer;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The main job, scaled down, end to end against a real broker and registry. */
@ExtendWith(TestStackExtension.class)
class DemoCommandTest {
  @TempDir Path work;

  @Test
  void runsEveryStrategyAndPublishesCheckpointAndMetricEvents(KafkaStackFixture stack) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      exit =
          Hpt.newCommandLine()
              .execute(
                  "demo",
                  "--external",
                  "--bootstrap-servers",
                  stack.bootstrapServers(),
                  "--schema-registry-url",
                  stack.schemaRegistryUrl(),
                  "--work-dir",
                  work.toString(),
                  "--images",
                  "256",
                  "--labelled",
                  "200",
                  "--test",
                  "200",
                  "--base-steps",
                  "3",
                  "--update-steps",
                  "2");
    } finally {
      System.setOut(saved);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(out).isZero();
    for (String row :
        List.of(
            "random init (no training)",
            "BASE: direct transfer",
            "BASE-BN-RECAL",
            "HPT ",
            "HPT-BN",
            "TARGET: scratch")) {
      assertThat(out).contains(row);
    }

    List<CheckpointEvent> checkpoints = readAll(stack, "hpt.checkpoints");
    assertThat(checkpoints)
        .extracting(e -> e.getStrategy().name())
        .containsExactly("TARGET", "BASE_BN_RECAL", "HPT", "HPT_BN", "TARGET");
    String baseId = checkpoints.get(0).getCheckpointId();
    assertThat(checkpoints.subList(1, 4))
        .allSatisfy(
            e -> {
              assertThat(e.getParentId()).isEqualTo(baseId);
              assertThat(e.getDomain()).isEqualTo("fashion-footwear");
              assertThat(e.getProvenance())
                  .singleElement()
                  .satisfies(
                      r -> assertThat(r.getTopic()).isEqualTo("hpt.images.fashion-footwear"));
              assertThat(Path.of(java.net.URI.create(e.getWeights().getUri()))).isRegularFile();
            });

    List<MetricEvent> metrics = readAll(stack, "hpt.metrics");
    // Every evaluated checkpoint (base as direct transfer + 4 updates) has its probe accuracy.
    assertThat(metrics)
        .filteredOn(m -> m.getMetric().equals("linear-top1"))
        .extracting(MetricEvent::getCheckpointId)
        .hasSize(5)
        .doesNotHaveDuplicates();
    assertThat(metrics)
        .allSatisfy(m -> assertThat(m.getProtocol()).containsKey("checkpointSha256"));
  }

  private static <T> List<T> readAll(KafkaStackFixture stack, String topic) {
    Map<String, Object> c = new HashMap<>();
    c.put("bootstrap.servers", stack.bootstrapServers());
    c.put("schema.registry.url", stack.schemaRegistryUrl());
    c.put("specific.avro.reader", "true");
    AvroDeserializer<T> values = new AvroDeserializer<>();
    values.configure(c, false);
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), values)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.currentTimeMillis() + 30_000;
      while (consumer.position(tp) < end && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(r.value());
        }
      }
    }
    return out;
  }
}
