package org.hptstream.evaluation;

/**
 * One reported number.
 *
 * @param name e.g. {@code top1}, {@code target_top1}, {@code effective_rank}
 * @param value the value (mean over reruns where there are several)
 * @param spread sample std over reruns, or {@code null} for a single measurement
 * @param runs number of reruns behind the value
 */
public record Metric(String name, double value, Double spread, int runs) {
  /** A single measurement. */
  public static Metric of(String name, double value) {
    return new Metric(name, value, null, 1);
  }

  /** A mean and spread over reruns. */
  public static Metric of(String name, org.hptstream.stats.Summary s) {
    return new Metric(name, s.mean(), s.std(), s.values().length);
  }
}
