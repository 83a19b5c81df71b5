package org.hptstream.trainer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.TopicPartition;

/**
 * Assigns whole topics, so all partitions of a domain's image topic go to one trainer instance:
 * however a producer keys its records, one instance owns the domain, and no two train it at once.
 * Topics are spread over the members by count (domains are the unit of work; one job per domain),
 * and a topic stays with its previous owner while that owner holds no more than its share, so a
 * joining instance moves as few running domains as possible.
 */
public final class DomainAssignor implements ConsumerPartitionAssignor {
  @Override
  public String name() {
    return "hpt-domain";
  }

  @Override
  public GroupAssignment assign(Cluster metadata, GroupSubscription group) {
    Map<String, Subscription> subs = group.groupSubscription();
    List<String> members = new ArrayList<>(subs.keySet());
    // Static members keep their instance id across restarts: order by it for stable results.
    members.sort(
        Comparator.comparing((String m) -> subs.get(m).groupInstanceId().orElse(m))
            .thenComparing(m -> m));
    TreeSet<String> topics = new TreeSet<>();
    Map<String, String> previousOwner = new HashMap<>();
    subs.forEach(
        (member, s) -> {
          topics.addAll(s.topics());
          s.ownedPartitions().forEach(tp -> previousOwner.put(tp.topic(), member));
        });
    topics.removeIf(t -> metadata.partitionCountForTopic(t) == null);
    int share = members.isEmpty() ? 0 : (topics.size() + members.size() - 1) / members.size();
    Map<String, List<String>> owned = new HashMap<>();
    members.forEach(m -> owned.put(m, new ArrayList<>()));
    List<String> unplaced = new ArrayList<>();
    for (String t : topics) {
      String prev = previousOwner.get(t);
      if (prev != null
          && owned.containsKey(prev)
          && subs.get(prev).topics().contains(t)
          && owned.get(prev).size() < share) {
        owned.get(prev).add(t);
      } else {
        unplaced.add(t);
      }
    }
    for (String t : unplaced) {
      members.stream()
          .filter(m -> subs.get(m).topics().contains(t))
          .min(Comparator.comparingInt((String m) -> owned.get(m).size()))
          .ifPresent(m -> owned.get(m).add(t));
    }
    Map<String, Assignment> out = new HashMap<>();
    owned.forEach(
        (member, ts) -> {
          List<TopicPartition> parts = new ArrayList<>();
          for (String t : ts) {
            for (int p = 0; p < metadata.partitionCountForTopic(t); p++) {
              parts.add(new TopicPartition(t, p));
            }
          }
          out.put(member, new Assignment(parts));
        });
    return new GroupAssignment(out);
  }
}
