package org.hptstream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.schemas.Split;
import org.hptstream.schemas.Strategy;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** AvroSerde in a Kafka Streams topology, with schemas registered in the real registry. */
@ExtendWith(TestStackExtension.class)
class StreamsSerdeTest {
  @Test
  void aTopologyReadsAndWritesAvroThroughTheSerde(KafkaStackFixture stack) {
    Map<String, Object> serdeConfig =
        Map.of("schema.registry.url", stack.schemaRegistryUrl(), "specific.avro.reader", "true");
    AvroSerde<CheckpointEvent> checkpoints = new AvroSerde<>();
    checkpoints.configure(serdeConfig, false);
    AvroSerde<MetricEvent> metrics = new AvroSerde<>();
    metrics.configure(serdeConfig, false);

    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("streams-checkpoints", Consumed.with(Serdes.String(), checkpoints))
        .mapValues(
            c ->
                MetricEvent.newBuilder()
                    .setCheckpointId(c.getCheckpointId())
                    .setDomain(c.getDomain())
                    .setMetric("final-loss")
                    .setValue(c.getFinalLoss())
                    .setEvalSplit(Split.TRAIN)
                    .setProtocol(Map.of("steps", Long.toString(c.getSteps())))
                    .setTimestamp(c.getCreatedAt())
                    .build())
        .to("streams-metrics", Produced.with(Serdes.String(), metrics));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serde-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
      TestInputTopic<String, CheckpointEvent> in =
          driver.createInputTopic(
              "streams-checkpoints", Serdes.String().serializer(), checkpoints.serializer());
      TestOutputTopic<String, byte[]> out =
          driver.createOutputTopic(
              "streams-metrics", Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
      in.pipeInput("fashion", Events.checkpoint("ck-s", Strategy.HPT, 500));
      byte[] bytes = out.readValue();

      SchemaRegistryClient registry = SchemaRegistryClient.fromConfigs(serdeConfig);
      assertThat(WireFormat.schemaId(bytes))
          .isEqualTo(registry.lookup("streams-metrics-value", MetricEvent.getClassSchema()));
      MetricEvent m = metrics.deserializer().deserialize("streams-metrics", bytes);
      assertThat(m.getCheckpointId()).isEqualTo("ck-s");
      assertThat(m.getValue()).isEqualTo(6.25);
      assertThat(m.getProtocol()).containsEntry("steps", "500");
    }
  }
}
