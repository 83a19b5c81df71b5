package org.hptstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestStackExtension.class)
class TestStackTest {

  @Test
  void brokerCarriesRecords(KafkaStackFixture stack) throws Exception {
    stack.createTopic("testkit-roundtrip", 2);
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>("testkit-roundtrip", "k", "hello")).get();
    }
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "testkit",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of("testkit-roundtrip"));
      ConsumerRecords<String, String> records = ConsumerRecords.empty();
      for (int i = 0; i < 20 && records.isEmpty(); i++) {
        records = consumer.poll(Duration.ofMillis(500));
      }
      assertThat(records).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo("hello"));
    }
  }

  @Test
  void registryStoresSchemasUnderTheConfluentApi(KafkaStackFixture stack) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String schema =
        "{\"type\":\"record\",\"name\":\"Ping\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}";
    String body = "{\"schema\":" + quote(schema) + "}";
    HttpResponse<String> registered =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(stack.schemaRegistryUrl() + "/subjects/testkit-ping-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    String id = registered.body().replaceAll("\\D", "");

    HttpResponse<String> fetched =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.schemaRegistryUrl() + "/schemas/ids/" + id))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(fetched.statusCode()).isEqualTo(200);
    assertThat(fetched.body()).contains("Ping");
  }

  @Test
  void oneStackPerJvm() {
    assertThat(TestStack.shared()).isSameAs(TestStack.shared());
    assertThat(TestStack.shared()).isInstanceOf(LocalStackFixture.class);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
