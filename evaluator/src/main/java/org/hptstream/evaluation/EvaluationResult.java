package org.hptstream.evaluation;

import java.util.List;
import java.util.Optional;

/** The metrics one protocol measured on one checkpoint, with their {@link Provenance}. */
public record EvaluationResult(Provenance provenance, List<Metric> metrics) {
  public EvaluationResult {
    metrics = List.copyOf(metrics);
  }

  /** The metric called {@code name}, if reported. */
  public Optional<Metric> metric(String name) {
    return metrics.stream().filter(m -> m.name().equals(name)).findFirst();
  }
}
