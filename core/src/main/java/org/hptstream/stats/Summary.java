package org.hptstream.stats;

import java.util.Arrays;

/**
 * Mean and spread of one metric over reruns.
 *
 * @param mean arithmetic mean
 * @param std sample standard deviation (n - 1); 0 for a single run
 * @param values the individual runs, in rerun order
 */
public record Summary(double mean, double std, double[] values) {
  public Summary {
    values = values.clone();
  }

  /** Summarises {@code values} (at least one). */
  public static Summary of(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("nothing to summarise");
    }
    double m = Arrays.stream(values).average().orElseThrow();
    double ss = 0;
    for (double v : values) {
      ss += (v - m) * (v - m);
    }
    double sd = values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0;
    return new Summary(m, sd, values);
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Summary s
        && s.mean == mean
        && s.std == std
        && Arrays.equals(s.values, values);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(mean) * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return String.format("%.4f ± %.4f (n=%d)", mean, std, values.length);
  }
}
