package org.hptstream.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientConfigsTest {

  @Test
  void kafkaOnlyDropsRegistryAndSerdeKeysAndKeepsKafkasOwn() {
    Map<String, Object> all =
        Map.of(
            "bootstrap.servers", "b:9092",
            "security.protocol", "SASL_SSL",
            "sasl.jaas.config", "x",
            "schema.registry.url", "http://r:8081",
            "schema.registry.max.attempts", "3",
            "basic.auth.credentials.source", "USER_INFO",
            "basic.auth.user.info", "u:p",
            "auto.register.schemas", "false",
            "specific.avro.reader", "true",
            "use.latest.version", "false");

    assertThat(ClientConfigs.kafkaOnly(all))
        .containsOnlyKeys("bootstrap.servers", "security.protocol", "sasl.jaas.config");
    assertThat(all).hasSize(10); // the input is not modified
  }
}
