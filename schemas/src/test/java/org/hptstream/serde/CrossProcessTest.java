package org.hptstream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.Strategy;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A record written by this JVM is read by a separate java process (fresh caches, fresh client). */
@ExtendWith(TestStackExtension.class)
class CrossProcessTest {

  @Test
  void anotherProcessReadsWhatThisOneWrote(KafkaStackFixture stack) throws Exception {
    String topic = "serde-cross-process";
    stack.createTopic(topic, 1);
    try (KafkaProducer<String, CheckpointEvent> producer = SerdeRoundTripTest.producer(stack)) {
      producer
          .send(
              new ProducerRecord<>(
                  topic, "fashion", Events.checkpoint("ck-a", Strategy.HPT_BN, 5000)))
          .get();
      producer
          .send(
              new ProducerRecord<>(
                  topic, "fashion", Events.checkpoint("ck-b", Strategy.BASE_BN_RECAL, 0)))
          .get();
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                ConsumeMain.class.getName(),
                stack.bootstrapServers(),
                stack.schemaRegistryUrl(),
                topic,
                "2")
            .redirectErrorStream(false)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("child output: " + out).isZero();
    assertThat(out.lines().toList())
        .isEqualTo(List.of("ck-a HPT_BN 5000 1", "ck-b BASE_BN_RECAL 0 1"));
  }
}
