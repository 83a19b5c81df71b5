package org.hptstream.evaluation.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.hptstream.evaluation.EvaluationResult;
import org.hptstream.evaluation.Metric;
import org.hptstream.evaluation.Provenance;
import org.hptstream.schemas.MetricDirection;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.schemas.Split;
import org.hptstream.topics.TopicNames;
import org.hptstream.topics.TopicSpec;

/**
 * Turns evaluation results into {@link MetricEvent}s for {@link TopicNames#METRICS}, one per metric
 * (named {@code <protocol>-<metric>}, e.g. {@code linear-top1}), each carrying its full provenance
 * (checkpoint sha256, protocol parameters, split sizes, seed, wall time, spread over reruns) in the
 * protocol map, so a metric read off the stream can be reproduced.
 */
public final class MetricEvents {
  /** The metric topic as the evaluator creates it. */
  public static final TopicSpec TOPIC = TopicSpec.events(TopicNames.METRICS);

  private MetricEvents() {}

  /**
   * @param domain the domain whose data the metrics were measured on
   * @param split the split reported on (TEST for held-out accuracy)
   */
  public static List<MetricEvent> of(EvaluationResult result, String domain, Split split) {
    return of(result, domain, split, Subject.NONE);
  }

  /**
   * What was evaluated, beyond the result's own provenance: the checkpoint's place in its lineage.
   *
   * @param parentId the checkpoint's parent, or null
   * @param strategy its strategy, {@code BASE} for a domain's BASE row, or null
   * @param steps its training steps, or null
   * @param jobId the job that wrote it, or null
   * @param evaluationId identifies this evaluation (re-delivery carries the same), or null
   */
  public record Subject(
      String parentId, String strategy, Long steps, String jobId, String evaluationId) {
    public static final Subject NONE = new Subject(null, null, null, null, null);
  }

  /** Which way a metric (by its name within the protocol) is better; NONE is never ranked. */
  public static MetricDirection direction(String metricName) {
    return switch (metricName) {
      case "top1", "top5", "source_top1", "target_top1" -> MetricDirection.HIGHER_IS_BETTER;
      case "transfer_gap" -> MetricDirection.LOWER_IS_BETTER;
      default -> MetricDirection.NONE;
    };
  }

  /** Like {@link #of(EvaluationResult, String, Split)}, with the checkpoint's lineage. */
  public static List<MetricEvent> of(
      EvaluationResult result, String domain, Split split, Subject subject) {
    Provenance p = result.provenance();
    Map<String, String> common = new LinkedHashMap<>();
    p.parameters().forEach((k, v) -> common.put(k, String.valueOf(v)));
    p.splitSizes().forEach((k, v) -> common.put("split." + k, String.valueOf(v)));
    common.put("checkpointSha256", p.checkpointSha256());
    common.put("architecture", p.architecture());
    common.put("seed", String.valueOf(p.seed()));
    common.put("wallSeconds", String.format(Locale.ROOT, "%.3f", p.wallSeconds()));
    common.put("device", p.device());
    Map<String, String> parameters = new TreeMap<>();
    p.parameters().forEach((k, v) -> parameters.put(k, String.valueOf(v)));
    parameters.put("seed", String.valueOf(p.seed()));
    Map<String, Long> examples = new TreeMap<>();
    p.splitSizes().forEach((k, v) -> examples.put(k, v.longValue()));
    Instant at = Instant.parse(p.startedAt());
    List<MetricEvent> out = new ArrayList<>();
    for (Metric m : result.metrics()) {
      Map<String, String> protocol = new LinkedHashMap<>(common);
      protocol.put("runs", String.valueOf(m.runs()));
      if (m.spread() != null) {
        protocol.put("spread", String.valueOf(m.spread()));
      }
      out.add(
          MetricEvent.newBuilder()
              .setCheckpointId(p.checkpointId())
              .setDomain(domain)
              .setMetric(p.protocol() + "-" + m.name())
              .setValue(m.value())
              .setEvalSplit(split)
              .setProtocol(new LinkedHashMap<>(protocol))
              .setTimestamp(at)
              .setProtocolName(p.protocol())
              .setParameters(new LinkedHashMap<>(parameters))
              .setExamples(new LinkedHashMap<>(examples))
              .setSpread(m.spread())
              .setRuns(m.runs())
              .setDirection(direction(m.name()))
              .setParentId(subject.parentId())
              .setStrategy(subject.strategy())
              .setSteps(subject.steps())
              .setJobId(subject.jobId())
              .setEvaluationId(subject.evaluationId())
              .build());
    }
    return out;
  }
}
