package org.hptstream.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders results as a plain-text table for people or as JSON for machines. */
public final class ResultFormat {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ResultFormat() {}

  /** Pretty-printed JSON array of the results, provenance included. */
  public static String json(List<EvaluationResult> results) {
    try {
      return JSON.writeValueAsString(results);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("results are not serialisable", e);
    }
  }

  /** Reads {@link #json} output back. */
  public static List<EvaluationResult> parseJson(String json) {
    try {
      return List.of(JSON.readValue(json, EvaluationResult[].class));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not evaluation results: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * One header line per checkpoint, then one row per metric: protocol, metric, value (± spread over
   * reruns), runs, split sizes, wall time.
   */
  public static String table(List<EvaluationResult> results) {
    StringBuilder sb = new StringBuilder();
    String lastCheckpoint = null;
    String fmt = "%-9s %-22s %-19s %4s  %-34s %8s%n";
    for (EvaluationResult r : results) {
      Provenance p = r.provenance();
      String ck = p.checkpointId() + "/" + p.checkpointSha256();
      if (!ck.equals(lastCheckpoint)) {
        sb.append(
            String.format(
                Locale.ROOT,
                "checkpoint %s  sha256 %s  %s  seed %d  device %s%n",
                p.checkpointId(),
                p.checkpointSha256(),
                p.architecture(),
                p.seed(),
                p.device()));
        sb.append(
            String.format(
                Locale.ROOT, fmt, "protocol", "metric", "value", "runs", "splits", "wall"));
        lastCheckpoint = ck;
      }
      String splits =
          p.splitSizes().entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining(" "));
      boolean first = true;
      for (Metric m : r.metrics()) {
        String value =
            m.spread() == null
                ? String.format(Locale.ROOT, "%.4f", m.value())
                : String.format(Locale.ROOT, "%.4f ± %.4f", m.value(), m.spread());
        sb.append(
            String.format(
                Locale.ROOT,
                fmt,
                first ? p.protocol() : "",
                m.name(),
                value,
                m.runs(),
                first ? splits : "",
                first ? String.format(Locale.ROOT, "%.1fs", p.wallSeconds()) : ""));
        first = false;
      }
    }
    return sb.toString();
  }

  /** The protocol parameters as one line each, for {@code --verbose}. */
  public static String parameters(List<EvaluationResult> results) {
    StringBuilder sb = new StringBuilder();
    for (EvaluationResult r : results) {
      Map<String, Object> params = r.provenance().parameters();
      sb.append(r.provenance().protocol()).append(": ").append(params).append('\n');
    }
    return sb.toString();
  }
}
