package org.hptstream.evaluation.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hptstream.evaluation.EvaluationResult;
import org.hptstream.evaluation.Metric;
import org.hptstream.evaluation.Provenance;
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
    Provenance p = result.provenance();
    Map<String, String> common = new LinkedHashMap<>();
    p.parameters().forEach((k, v) -> common.put(k, String.valueOf(v)));
    p.splitSizes().forEach((k, v) -> common.put("split." + k, String.valueOf(v)));
    common.put("checkpointSha256", p.checkpointSha256());
    common.put("architecture", p.architecture());
    common.put("seed", String.valueOf(p.seed()));
    common.put("wallSeconds", String.format("%.3f", p.wallSeconds()));
    common.put("device", p.device());
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
              .build());
    }
    return out;
  }
}
