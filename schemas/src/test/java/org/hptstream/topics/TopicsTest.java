package org.hptstream.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.hptstream.testkit.KafkaStackFixture;
import org.hptstream.testkit.TestStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestStackExtension.class)
class TopicsTest {
  @Test
  void domainNamesAreLimitedToASafeCharset() {
    assertThat(DomainNames.isValid("xray-site-b")).isTrue();
    assertThat(DomainNames.isValid("fashion_mnist.v2")).isTrue();
    assertThat(DomainNames.isValid("a".repeat(63))).isTrue();
    for (String bad :
        new String[] {"", "A", "-x", ".x", "a/b", "../etc", "a..b", "x y", "é", "a".repeat(64)}) {
      assertThat(DomainNames.isValid(bad)).as(bad).isFalse();
    }
    assertThatThrownBy(() -> TopicNames.images("Fashion"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid domain name 'Fashion'")
        .hasMessageContaining(DomainNames.REGEX);
  }

  @Test
  void oneNamingConvention() {
    assertThat(TopicNames.images("fashion")).isEqualTo("hpt.images.fashion");
    assertThat(TopicNames.deadLetter("hpt.images.fashion")).isEqualTo("hpt.images.fashion.dlq");
    assertThat(TopicNames.domainOfImagesTopic("hpt.images.fashion")).isEqualTo("fashion");
    assertThat(TopicNames.domainOfImagesTopic("hpt.images.fashion.dlq")).isNull();
    assertThat(TopicNames.domainOfImagesTopic(TopicNames.CHECKPOINTS)).isNull();
  }

  @Test
  void creationIsIdempotentAndSetsTheSizeLimit(KafkaStackFixture stack) {
    try (Admin admin =
        Admin.create(Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()))) {
      TopicAdmin topics = new TopicAdmin(admin);
      TopicSpec spec = TopicSpec.images("topics-test", 2).withMaxMessageBytes(3 << 20);
      assertThat(topics.ensure(spec)).isTrue();
      assertThat(topics.ensure(spec)).isFalse();
      assertThat(topics.maxMessageBytes(spec.name())).isEqualTo(3 << 20);
      TopicSpec dlq = TopicSpec.deadLetter(spec.name(), 3 << 20);
      assertThat(topics.ensure(dlq)).isTrue();
      assertThat(
              topics.config(
                  new org.apache.kafka.common.config.ConfigResource(
                      org.apache.kafka.common.config.ConfigResource.Type.TOPIC, dlq.name()),
                  "retention.ms"))
          .isEqualTo(Long.toString(30L * 24 * 3600 * 1000));
    }
  }
}
