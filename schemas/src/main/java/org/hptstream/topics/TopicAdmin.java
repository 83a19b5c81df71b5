package org.hptstream.topics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Topic creation and limit queries through Kafka's {@link Admin}. */
public final class TopicAdmin {
  private final Admin admin;

  public TopicAdmin(Admin admin) {
    this.admin = admin;
  }

  /**
   * Creates the topic unless it exists (idempotent; an existing topic keeps its own settings).
   *
   * @return true when this call created it
   */
  public boolean ensure(TopicSpec spec) {
    NewTopic topic =
        new NewTopic(
                spec.name(), java.util.Optional.of(spec.partitions()), spec.replicationFactor())
            .configs(spec.configs());
    try {
      admin.createTopics(List.of(topic)).all().get();
      awaitLeaders(spec.name(), Duration.ofSeconds(30));
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      if (e.getCause() instanceof TopicAuthorizationException && exists(spec.name())) {
        return false; // created by an administrator for a principal that may not create topics
      }
      throw new KafkaException(
          "cannot create topic "
              + spec.name()
              + ": "
              + AccessDenied.describe(e.getCause(), "CREATE", "topic " + spec.name()),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted creating topic " + spec.name(), e);
    }
  }

  /** Whether the topic exists and this principal may describe it. */
  private boolean exists(String topic) {
    try {
      admin.describeTopics(List.of(topic)).allTopicNames().get();
      return true;
    } catch (ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Waits until the broker answering metadata requests knows a leader for every partition: a
   * produce request sent right after creation can otherwise meet NOT_LEADER_OR_FOLLOWER, and an
   * idempotent producer with several batches in flight may then stall on sequence numbers.
   */
  public void awaitLeaders(String topic, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        if (d != null
            && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new KafkaException(
              "cannot describe topic "
                  + topic
                  + ": "
                  + AccessDenied.describe(e.getCause(), "DESCRIBE", "topic " + topic),
              e.getCause());
        }
      }
      if (System.nanoTime() > deadline) {
        throw new KafkaException(
            "topic " + topic + " has no leader for all partitions after " + timeout);
      }
      Thread.sleep(50);
    }
  }

  /**
   * The largest record batch the topic accepts: its {@code max.message.bytes} (which already falls
   * back to the broker's {@code message.max.bytes} when the topic sets none).
   */
  public int maxMessageBytes(String topic) {
    return Integer.parseInt(
        config(new ConfigResource(ConfigResource.Type.TOPIC, topic), "max.message.bytes"));
  }

  /** One config value of a topic or broker. */
  public String config(ConfigResource resource, String key) {
    try {
      Map<ConfigResource, Config> all = admin.describeConfigs(List.of(resource)).all().get();
      ConfigEntry entry = all.get(resource).get(key);
      if (entry == null || entry.value() == null) {
        throw new KafkaException("no " + key + " in the config of " + resource);
      }
      return entry.value();
    } catch (ExecutionException e) {
      throw new KafkaException(
          "cannot read "
              + key
              + " of "
              + resource
              + ": "
              + AccessDenied.describe(
                  e.getCause(),
                  "DESCRIBE_CONFIGS",
                  resource.type().name().toLowerCase(java.util.Locale.ROOT)
                      + " "
                      + resource.name()),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted reading config of " + resource, e);
    }
  }
}
