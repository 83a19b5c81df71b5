package org.hptstream.views;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hptstream.clients.ClientOptions;
import org.hptstream.leaderboard.LeaderboardTopology;
import org.hptstream.schemas.LeaderboardEntry;
import org.hptstream.schemas.PromotionDecision;
import org.hptstream.topics.TopicNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hpt watch}: the leaderboard as a terminal table, redrawn whenever it changes. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Show the leaderboard (hpt.leaderboard, written by the evaluator service's leaderboard) as a table: per"
          + " domain and ranked metric the best checkpoint so far, its strategy, steps, value and gain over the"
          + " domain's BASE row; redrawn as results arrive. Ctrl-C to stop."
    })
public final class WatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Option(names = "--domain", description = "Only this domain.")
  String domain;

  @Option(names = "--once", description = "Print the current table and exit.")
  boolean once;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, LeaderboardEntry> rows = new TreeMap<>();
    Map<String, String> promoted = new TreeMap<>();
    try (TopicSnapshot<LeaderboardEntry> board =
            new TopicSnapshot<>(
                client.clientConfig(), LeaderboardTopology.OUTPUT_TOPIC, LeaderboardEntry.class);
        TopicSnapshot<PromotionDecision> decisions =
            new TopicSnapshot<>(
                client.clientConfig(), TopicNames.PROMOTIONS, PromotionDecision.class)) {
      apply(board.readToEnd(), decisions.readToEnd(), rows, promoted);
      out.print((once ? "" : "\033[H\033[2J") + table(rows.values(), promoted, domain));
      out.flush();
      while (!once && !Thread.currentThread().isInterrupted()) {
        boolean changed =
            apply(board.poll(Duration.ofSeconds(1)), decisions.poll(Duration.ZERO), rows, promoted);
        if (changed) {
          out.print("\033[H\033[2J" + table(rows.values(), promoted, domain));
          out.flush();
        }
      }
    }
    return 0;
  }

  private static boolean apply(
      List<ConsumerRecord<String, LeaderboardEntry>> entries,
      List<ConsumerRecord<String, PromotionDecision>> decisions,
      Map<String, LeaderboardEntry> rows,
      Map<String, String> promoted) {
    for (ConsumerRecord<String, LeaderboardEntry> r : entries) {
      if (r.value() == null) {
        rows.remove(r.key());
      } else {
        rows.put(r.key(), r.value());
      }
    }
    for (ConsumerRecord<String, PromotionDecision> r : decisions) {
      if (r.value() != null && r.value().getPromotedCheckpointId() != null) {
        promoted.put(r.key(), r.value().getPromotedCheckpointId());
      }
    }
    return !entries.isEmpty() || !decisions.isEmpty();
  }

  /** The table: one row per domain and metric (its most recent comparison group). */
  static String table(
      java.util.Collection<LeaderboardEntry> entries, Map<String, String> promoted, String domain) {
    Map<String, LeaderboardEntry> latest = new TreeMap<>();
    for (LeaderboardEntry e : entries) {
      if (domain != null && !domain.equals(e.getDomain())) {
        continue;
      }
      String k = e.getDomain() + "\u0000" + e.getMetric();
      LeaderboardEntry old = latest.get(k);
      if (old == null || old.getUpdatedAt().isBefore(e.getUpdatedAt())) {
        latest.put(k, e);
      }
    }
    List<String[]> lines = new ArrayList<>();
    lines.add(
        new String[] {
          "DOMAIN", "METRIC", "BEST CHECKPOINT", "STRATEGY", "STEPS", "VALUE", "BASE", "GAIN", ""
        });
    List<LeaderboardEntry> sorted = new ArrayList<>(latest.values());
    sorted.sort(
        Comparator.comparing(LeaderboardEntry::getDomain)
            .thenComparing(LeaderboardEntry::getMetric));
    for (LeaderboardEntry e : sorted) {
      lines.add(
          new String[] {
            e.getDomain(),
            e.getMetric(),
            e.getCheckpointId(),
            e.getStrategy() == null ? "" : e.getStrategy(),
            e.getSteps() == null ? "" : Long.toString(e.getSteps()),
            num(e.getValue()) + (e.getSpread() == null ? "" : " ±" + num(e.getSpread())),
            e.getBaseValue() == null ? "" : num(e.getBaseValue()),
            e.getGainOverBase() == null
                ? ""
                : (e.getGainOverBase() >= 0 ? "+" : "") + num(e.getGainOverBase()),
            e.getCheckpointId().equals(promoted.get(e.getDomain())) ? "promoted" : ""
          });
    }
    int[] width = new int[lines.get(0).length];
    for (String[] l : lines) {
      for (int i = 0; i < l.length; i++) {
        width[i] = Math.max(width[i], l[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] l : lines) {
      StringBuilder row = new StringBuilder();
      for (int i = 0; i < l.length; i++) {
        row.append(String.format(Locale.ROOT, "%-" + width[i] + "s  ", l[i]));
      }
      sb.append(row.toString().stripTrailing()).append('\n');
    }
    if (sorted.isEmpty()) {
      sb.append("(no ranked results yet)\n");
    }
    sb.append("as of ").append(Instant.now()).append('\n');
    return sb.toString();
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
