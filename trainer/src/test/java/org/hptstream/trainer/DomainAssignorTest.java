package org.hptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupAssignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The assignor alone: whole topics per member, spread by count, sticky. */
class DomainAssignorTest {
  private static final Node NODE = new Node(0, "localhost", 9092);
  private static final Map<String, Integer> TOPICS =
      Map.of("hpt.images.a", 3, "hpt.images.b", 1, "hpt.images.c", 5, "hpt.images.d", 2);

  @Test
  void everyPartitionOfATopicGoesToOneMemberAndTopicsSpreadByCount() {
    GroupAssignment out = new DomainAssignor().assign(cluster(), group(Map.of()));
    Map<String, String> ownerOfTopic = new HashMap<>();
    Set<TopicPartition> assigned = new HashSet<>();
    out.groupAssignment()
        .forEach(
            (member, a) -> {
              for (TopicPartition tp : a.partitions()) {
                assertThat(assigned.add(tp)).as("%s assigned once", tp).isTrue();
                String prev = ownerOfTopic.putIfAbsent(tp.topic(), member);
                assertThat(prev == null || prev.equals(member))
                    .as("%s split between %s and %s", tp.topic(), prev, member)
                    .isTrue();
              }
            });
    assertThat(assigned).hasSize(3 + 1 + 5 + 2);
    for (String m : List.of("m1", "m2")) {
      assertThat(ownerOfTopic.values().stream().filter(m::equals).count()).isEqualTo(2);
    }
  }

  @Test
  void aTopicStaysWithItsOwnerWhenAMemberJoins() {
    // m1 held everything; m2 joins: m1 keeps two of its topics, m2 gets the other two whole.
    List<TopicPartition> all = new ArrayList<>();
    TOPICS.forEach((t, n) -> all.addAll(partitions(t, n)));
    GroupAssignment out = new DomainAssignor().assign(cluster(), group(Map.of("m1", all)));
    List<TopicPartition> kept = out.groupAssignment().get("m1").partitions();
    List<TopicPartition> moved = out.groupAssignment().get("m2").partitions();
    assertThat(kept).isNotEmpty();
    assertThat(all).containsAll(kept);
    Set<String> keptTopics = new HashSet<>();
    kept.forEach(tp -> keptTopics.add(tp.topic()));
    moved.forEach(tp -> assertThat(keptTopics).doesNotContain(tp.topic()));
    assertThat(keptTopics).hasSize(2);
  }

  private static Cluster cluster() {
    List<PartitionInfo> infos = new ArrayList<>();
    TOPICS.forEach(
        (t, n) -> {
          for (int p = 0; p < n; p++) {
            infos.add(new PartitionInfo(t, p, NODE, new Node[] {NODE}, new Node[] {NODE}));
          }
        });
    return new Cluster("c", List.of(NODE), infos, Set.of(), Set.of());
  }

  private static GroupSubscription group(Map<String, List<TopicPartition>> owned) {
    Map<String, Subscription> subs = new HashMap<>();
    for (String m : List.of("m1", "m2")) {
      Subscription s =
          new Subscription(
              new ArrayList<>(TOPICS.keySet()), null, owned.getOrDefault(m, List.of()));
      s.setGroupInstanceId(Optional.of(m));
      subs.put(m, s);
    }
    return new GroupSubscription(subs);
  }

  private static List<TopicPartition> partitions(String topic, int n) {
    List<TopicPartition> out = new ArrayList<>();
    for (int p = 0; p < n; p++) {
      out.add(new TopicPartition(topic, p));
    }
    return out;
  }
}
