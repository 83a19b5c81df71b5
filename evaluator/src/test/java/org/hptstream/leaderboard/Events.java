package org.hptstream.leaderboard;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.MetricDirection;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.schemas.Split;
import org.hptstream.schemas.Strategy;
import org.hptstream.schemas.WeightsRef;

/** Metric and checkpoint events as the evaluator and the trainer write them. */
public final class Events {
  private Events() {}

  static MetricEvent metric(
      String domain,
      String metric,
      String checkpoint,
      String strategy,
      long steps,
      double value,
      long at) {
    return MetricEvent.newBuilder()
        .setCheckpointId(checkpoint)
        .setDomain(domain)
        .setMetric(metric)
        .setValue(value)
        .setEvalSplit(Split.TEST)
        .setProtocol(Map.of())
        .setTimestamp(Instant.ofEpochMilli(at))
        .setProtocolName(metric.substring(0, metric.indexOf('-')))
        .setParameters(Map.of("steps", "100", "seed", "0"))
        .setExamples(Map.of("train", 600L, "test", 400L))
        .setDirection(
            metric.endsWith("top1") ? MetricDirection.HIGHER_IS_BETTER : MetricDirection.NONE)
        .setStrategy(strategy)
        .setSteps(steps)
        .build();
  }

  static CheckpointEvent checkpoint(String domain, String id, String parent, long steps, long at) {
    return checkpoint(
        domain, id, parent, parent == null ? Strategy.TARGET : Strategy.HPT, steps, at);
  }

  /** A checkpoint event of a stored-nowhere checkpoint (views and lineage only). */
  public static CheckpointEvent checkpoint(
      String domain, String id, String parent, Strategy strategy, long steps, long at) {
    return CheckpointEvent.newBuilder()
        .setDomain(domain)
        .setCheckpointId(id)
        .setParentId(parent)
        .setStrategy(strategy)
        .setSteps(steps)
        .setArchitecture("resnet18-w8-small-in1")
        .setWeights(new WeightsRef("file:///x", "00", 1L))
        .setProvenance(List.of())
        .setWallTimeMs(1)
        .setCreatedAt(Instant.ofEpochMilli(at))
        .build();
  }
}
