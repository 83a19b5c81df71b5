package org.hptstream.views;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hptstream.clients.ClientOptions;
import org.hptstream.leaderboard.LineageNode;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.PromotionDecision;
import org.hptstream.topics.DomainNames;
import org.hptstream.topics.TopicNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hpt checkpoints}: a domain's checkpoint lineage as a tree, from the topics. */
@Command(
    name = "checkpoints",
    mixinStandardHelpOptions = true,
    description = {
      "Print a domain's checkpoints as a lineage tree (parent -> child) with strategy, steps, kind and which one"
          + " is promoted, read from hpt.checkpoints and hpt.promotions. Ancestors from other domains are shown too."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:printed", "2:bad input"})
public final class CheckpointsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Option(names = "--domain", required = true, description = "The domain.")
  String domain;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (!DomainNames.isValid(domain)) {
      spec.commandLine().getErr().println("hpt checkpoints: not a domain name: " + domain);
      return 2;
    }
    Map<String, LineageNode> nodes = new LinkedHashMap<>();
    try (TopicSnapshot<CheckpointEvent> events =
        new TopicSnapshot<>(client.clientConfig(), TopicNames.CHECKPOINTS, CheckpointEvent.class)) {
      for (ConsumerRecord<String, CheckpointEvent> r : events.readToEnd()) {
        if (r.value() != null) {
          nodes.put(r.value().getCheckpointId(), LineageNode.of(r.value()));
        }
      }
    }
    String promoted = null;
    try (TopicSnapshot<PromotionDecision> decisions =
        new TopicSnapshot<>(
            client.clientConfig(), TopicNames.PROMOTIONS, PromotionDecision.class)) {
      for (ConsumerRecord<String, PromotionDecision> r : decisions.readToEnd()) {
        if (domain.equals(r.key())) {
          promoted = r.value() == null ? null : r.value().getPromotedCheckpointId();
        }
      }
    }
    out.print(tree(nodes, domain, promoted));
    out.flush();
    return 0;
  }

  /**
   * The tree of {@code domain}'s checkpoints and their ancestors: one line per checkpoint, children
   * under their parent, oldest first.
   */
  static String tree(Map<String, LineageNode> all, String domain, String promoted) {
    Map<String, LineageNode> shown = new LinkedHashMap<>();
    all.values().stream()
        .filter(n -> n.domain().equals(domain))
        .forEach(
            n -> {
              LineageNode a = n;
              while (a != null && shown.putIfAbsent(a.checkpointId(), a) == null) {
                a = a.parentId() == null ? null : all.get(a.parentId());
              }
            });
    if (shown.isEmpty()) {
      return "no checkpoints of domain " + domain + "\n";
    }
    Map<String, List<LineageNode>> children = new LinkedHashMap<>();
    List<LineageNode> roots = new ArrayList<>();
    for (LineageNode n : shown.values()) {
      if (n.parentId() != null && shown.containsKey(n.parentId())) {
        children.computeIfAbsent(n.parentId(), k -> new ArrayList<>()).add(n);
      } else {
        roots.add(n);
      }
    }
    Comparator<LineageNode> byTime = Comparator.comparingLong(LineageNode::createdAt);
    roots.sort(byTime);
    children.values().forEach(l -> l.sort(byTime));
    StringBuilder sb = new StringBuilder();
    for (LineageNode r : roots) {
      line(sb, r, "", "", domain, promoted);
      walk(sb, r, "", children, domain, promoted);
    }
    return sb.toString();
  }

  private static void walk(
      StringBuilder sb,
      LineageNode n,
      String indent,
      Map<String, List<LineageNode>> children,
      String domain,
      String promoted) {
    List<LineageNode> kids = children.getOrDefault(n.checkpointId(), List.of());
    for (int i = 0; i < kids.size(); i++) {
      boolean last = i == kids.size() - 1;
      line(sb, kids.get(i), indent, last ? "└─ " : "├─ ", domain, promoted);
      walk(sb, kids.get(i), indent + (last ? "   " : "│  "), children, domain, promoted);
    }
  }

  private static void line(
      StringBuilder sb,
      LineageNode n,
      String indent,
      String branch,
      String domain,
      String promoted) {
    sb.append(indent)
        .append(branch)
        .append(n.checkpointId())
        .append(String.format(Locale.ROOT, "  %s  %d steps", n.strategy(), n.steps()));
    if ("PERIODIC".equals(n.kind())) {
      sb.append("  periodic");
    }
    if (!n.domain().equals(domain)) {
      sb.append("  (domain ").append(n.domain()).append(')');
    }
    if (n.checkpointId().equals(promoted)) {
      sb.append("  [promoted]");
    }
    sb.append('\n');
  }
}
