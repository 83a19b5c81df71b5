package org.hptstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {
  @Test
  void readsConfluentKeysIncludingUrlListsAndBasicAuth() {
    RegistryConfig c =
        RegistryConfig.fromConfigs(
            Map.of(
                "schema.registry.url", "http://a:8081/, https://b:8081/apis/ccompat/v7",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "alice:s3cret"));
    assertThat(c.urls())
        .containsExactly(URI.create("http://a:8081"), URI.create("https://b:8081/apis/ccompat/v7"));
    assertThat(c.userInfo()).isEqualTo("alice:s3cret");
    assertThat(c.toString()).doesNotContain("s3cret");

    RegistryConfig fromUrl =
        RegistryConfig.fromConfigs(
            Map.of(
                "schema.registry.url",
                "http://bob:pw@a:8081",
                "basic.auth.credentials.source",
                "URL"));
    assertThat(fromUrl.userInfo()).isEqualTo("bob:pw");
  }

  @Test
  void badSettingsAreClearErrors() {
    assertThatThrownBy(() -> RegistryConfig.fromConfigs(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.url is required");
    assertThatThrownBy(
            () -> RegistryConfig.fromConfigs(Map.of("schema.registry.url", "localhost:8081")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not an http(s) URL");
    assertThatThrownBy(
            () ->
                RegistryConfig.fromConfigs(
                    Map.of(
                        "schema.registry.url", "http://a:1", "basic.auth.user.info", "no-colon")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("user:password");
  }
}
