package org.hptstream.leaderboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.hptstream.schemas.LeaderboardEntry;
import org.hptstream.schemas.MetricDirection;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.schemas.Split;

/**
 * Every result of one comparison group (domain, metric, protocol, split, parameters, examples), one
 * per checkpoint: the best is recomputed from all of them, so a late metric, a re-delivered one or
 * a corrected one lands where it belongs whatever the arrival order.
 *
 * <p>Ranking: by value in the metric's direction; on a tie the earlier evaluation wins, then the
 * smaller checkpoint id, so the leader does not depend on the order events arrive in.
 *
 * @param candidates results by slot (checkpoint id; the BASE row apart), sorted for stable output
 */
public record GroupState(
    String domain,
    String metric,
    String protocol,
    Split split,
    Map<String, String> parameters,
    Map<String, Long> examples,
    MetricDirection direction,
    Map<String, Candidate> candidates) {

  /** Whether {@code e} is ranked at all: only metrics with a declared direction are. */
  public static boolean ranked(MetricEvent e) {
    return e != null
        && e.getDirection() != null
        && e.getDirection() != MetricDirection.NONE
        && Double.isFinite(e.getValue());
  }

  /**
   * The comparison group of {@code e}: {@code <domain>/<metric>/<hash>}, the hash over protocol,
   * split, parameters and examples, so only like is compared with like.
   */
  public static String groupKey(MetricEvent e) {
    StringBuilder s = new StringBuilder();
    s.append(e.getProtocolName()).append('\n').append(e.getEvalSplit()).append('\n');
    new TreeMap<>(e.getParameters())
        .forEach((k, v) -> s.append(k).append('=').append(v).append('\n'));
    s.append("--\n");
    new TreeMap<>(e.getExamples())
        .forEach((k, v) -> s.append(k).append('=').append(v).append('\n'));
    s.append(e.getDirection());
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(s.toString().getBytes(StandardCharsets.UTF_8));
      return e.getDomain() + "/" + e.getMetric() + "/" + HexFormat.of().formatHex(h, 0, 6);
    } catch (NoSuchAlgorithmException x) {
      throw new IllegalStateException(x);
    }
  }

  /** An empty group shaped by {@code e}. */
  public static GroupState of(MetricEvent e) {
    return new GroupState(
        e.getDomain(),
        e.getMetric(),
        e.getProtocolName(),
        e.getEvalSplit(),
        new TreeMap<>(e.getParameters()),
        new TreeMap<>(e.getExamples()),
        e.getDirection(),
        new TreeMap<>());
  }

  /**
   * The group with {@code e}'s result added; a result for a checkpoint already present replaces it
   * only when it is not older (a re-delivered or re-run evaluation).
   */
  public GroupState with(MetricEvent e) {
    Candidate c =
        new Candidate(
            e.getCheckpointId(),
            e.getParentId(),
            e.getStrategy(),
            e.getSteps(),
            e.getValue(),
            e.getSpread(),
            e.getTimestamp().toEpochMilli());
    Map<String, Candidate> next = new TreeMap<>(candidates);
    Candidate old = next.get(c.slot());
    if (old == null || old.timestamp() <= c.timestamp()) {
      next.put(c.slot(), c);
    }
    return new GroupState(domain, metric, protocol, split, parameters, examples, direction, next);
  }

  /** Orders candidates best first. */
  Comparator<Candidate> order() {
    Comparator<Candidate> byValue = Comparator.comparingDouble(Candidate::value);
    if (direction != MetricDirection.LOWER_IS_BETTER) {
      byValue = byValue.reversed();
    }
    return byValue
        .thenComparingLong(Candidate::timestamp)
        .thenComparing(Candidate::checkpointId)
        .thenComparing(Candidate::isBase);
  }

  /** The latest BASE row, or null. */
  public Candidate base() {
    return candidates.values().stream()
        .filter(Candidate::isBase)
        .max(Comparator.comparingLong(Candidate::timestamp))
        .orElse(null);
  }

  /**
   * The group's leader and its gain over BASE; null while the group holds no checkpoint (a random
   * network is shown beside the checkpoints, in the history, but never leads: it is not
   * deployable).
   */
  public Standing standing(String key) {
    Candidate best =
        candidates.values().stream().filter(c -> !c.isRandom()).min(order()).orElse(null);
    if (best == null) {
      return null;
    }
    Candidate base = base();
    Double gain = null;
    if (base != null) {
      gain =
          direction == MetricDirection.LOWER_IS_BETTER
              ? base.value() - best.value()
              : best.value() - base.value();
    }
    long updated = candidates.values().stream().mapToLong(Candidate::timestamp).max().orElse(0);
    return new Standing(
        key,
        domain,
        metric,
        protocol,
        split == null ? null : split.name(),
        parameters,
        examples,
        best,
        base,
        gain,
        candidates.size(),
        updated);
  }

  /** The record of the leaderboard topic. */
  public LeaderboardEntry entry(String key) {
    Standing s = standing(key);
    if (s == null) {
      return null;
    }
    return LeaderboardEntry.newBuilder()
        .setDomain(domain)
        .setMetric(metric)
        .setProtocolName(protocol)
        .setEvalSplit(split == null ? Split.UNLABELED : split)
        .setParameters(parameters)
        .setExamples(examples)
        .setDirection(direction)
        .setCheckpointId(s.best().checkpointId())
        .setStrategy(s.best().strategy())
        .setSteps(s.best().steps())
        .setValue(s.best().value())
        .setSpread(s.best().spread())
        .setBaseCheckpointId(s.base() == null ? null : s.base().checkpointId())
        .setBaseValue(s.base() == null ? null : s.base().value())
        .setGainOverBase(s.gainOverBase())
        .setCandidates(s.candidates())
        .setUpdatedAt(Instant.ofEpochMilli(s.updatedAt()))
        .build();
  }
}
