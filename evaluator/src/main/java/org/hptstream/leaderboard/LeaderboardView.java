package org.hptstream.leaderboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.hptstream.schemas.PromotionDecision;

/**
 * Read-side queries over the leaderboard's stores, the same for a running application (interactive
 * queries) and a {@code TopologyTestDriver}.
 */
public final class LeaderboardView {
  /** The metrics the page charts against steps. */
  public static final List<String> CHARTED = List.of("linear-top1", "knn-top1");

  private final Supplier<ReadOnlyKeyValueStore<String, GroupState>> groups;
  private final Supplier<ReadOnlyKeyValueStore<String, LineageNode>> checkpoints;
  private final Supplier<ReadOnlyKeyValueStore<String, PromotionDecision>> promotions;

  public LeaderboardView(
      Supplier<ReadOnlyKeyValueStore<String, GroupState>> groups,
      Supplier<ReadOnlyKeyValueStore<String, LineageNode>> checkpoints,
      Supplier<ReadOnlyKeyValueStore<String, PromotionDecision>> promotions) {
    this.groups = groups;
    this.checkpoints = checkpoints;
    this.promotions = promotions;
  }

  /** A point of a chart series. */
  public record Point(long steps, double value, String checkpointId) {}

  /** One domain's page: leaders, the charted history, the promoted checkpoint. */
  public record DomainView(
      String domain,
      List<Standing> leaderboard,
      Map<String, Map<String, List<Point>>> history,
      String promotedCheckpointId) {}

  /** Domains with ranked results or promotions, sorted. */
  public Set<String> domains() {
    Set<String> out = new TreeSet<>();
    for (KeyValue<String, GroupState> kv : all(groups.get())) {
      out.add(kv.value.domain());
    }
    for (KeyValue<String, PromotionDecision> kv : all(promotions.get())) {
      out.add(kv.key);
    }
    return out;
  }

  /** The leaders of every comparison group of {@code domain}, by metric then latest first. */
  public List<Standing> standings(String domain) {
    List<Standing> out = new ArrayList<>();
    for (KeyValue<String, GroupState> kv : all(groups.get())) {
      if (kv.value.domain().equals(domain)) {
        Standing s = kv.value.standing(kv.key);
        if (s != null) {
          out.add(s);
        }
      }
    }
    out.sort(
        Comparator.comparing(Standing::metric)
            .thenComparing(Comparator.comparingLong(Standing::updatedAt).reversed()));
    return out;
  }

  /**
   * Per charted metric, per strategy, the results against steps (sorted by steps), from the
   * metric's most recently updated group (the current data: when a split grows, a new group
   * starts).
   */
  public Map<String, Map<String, List<Point>>> history(String domain) {
    Map<String, GroupState> latest = new TreeMap<>();
    Map<String, Long> updated = new TreeMap<>();
    for (KeyValue<String, GroupState> kv : all(groups.get())) {
      GroupState g = kv.value;
      if (!g.domain().equals(domain) || !CHARTED.contains(g.metric())) {
        continue;
      }
      long u = g.candidates().values().stream().mapToLong(Candidate::timestamp).max().orElse(0);
      if (u >= updated.getOrDefault(g.metric(), Long.MIN_VALUE)) {
        latest.put(g.metric(), g);
        updated.put(g.metric(), u);
      }
    }
    Map<String, Map<String, List<Point>>> out = new LinkedHashMap<>();
    for (String metric : CHARTED) {
      GroupState g = latest.get(metric);
      Map<String, List<Point>> series = new TreeMap<>();
      if (g != null) {
        for (Candidate c : g.candidates().values()) {
          String strategy = c.strategy() == null ? "unknown" : c.strategy();
          series
              .computeIfAbsent(strategy, s -> new ArrayList<>())
              .add(new Point(c.steps() == null ? 0 : c.steps(), c.value(), c.checkpointId()));
        }
        series.values().forEach(l -> l.sort(Comparator.comparingLong(Point::steps)));
      }
      out.put(metric, series);
    }
    return out;
  }

  /** The domain's promoted checkpoint, or null when none was promoted. */
  public String promoted(String domain) {
    PromotionDecision d = promotions.get().get(domain);
    return d == null ? null : d.getPromotedCheckpointId();
  }

  /** Everything the page shows for {@code domain}. */
  public DomainView domain(String domain) {
    return new DomainView(domain, standings(domain), history(domain), promoted(domain));
  }

  /** The checkpoints of {@code domain} (by creation time), plus any ancestors from elsewhere. */
  public List<LineageNode> lineage(String domain) {
    Map<String, LineageNode> byId = new TreeMap<>();
    for (KeyValue<String, LineageNode> kv : all(checkpoints.get())) {
      byId.put(kv.key, kv.value);
    }
    Map<String, LineageNode> out = new LinkedHashMap<>();
    byId.values().stream()
        .filter(n -> n.domain().equals(domain))
        .sorted(Comparator.comparingLong(LineageNode::createdAt))
        .forEach(
            n -> {
              LineageNode a = n;
              while (a != null && out.putIfAbsent(a.checkpointId(), a) == null) {
                a = a.parentId() == null ? null : byId.get(a.parentId());
              }
            });
    List<LineageNode> list = new ArrayList<>(out.values());
    list.sort(Comparator.comparingLong(LineageNode::createdAt));
    return list;
  }

  private static <V> List<KeyValue<String, V>> all(ReadOnlyKeyValueStore<String, V> store) {
    List<KeyValue<String, V>> out = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.all()) {
      it.forEachRemaining(out::add);
    }
    return out;
  }
}
