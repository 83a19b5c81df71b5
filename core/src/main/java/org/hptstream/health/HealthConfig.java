package org.hptstream.health;

import java.util.Map;
import org.hptstream.stats.Parameters;

/**
 * Settings of the health check.
 *
 * @param maxSamples rows measured (a seeded subset beyond this; the rank is bounded by it)
 * @param minRelativeStd below this {@link HealthReport#relativeStd} the features count as collapsed
 * @param minEffectiveRank below this effective rank the features count as collapsed
 */
public record HealthConfig(int maxSamples, double minRelativeStd, double minEffectiveRank) {
  public HealthConfig {
    if (maxSamples < 2) {
      throw new IllegalArgumentException("health needs at least 2 samples, got " + maxSamples);
    }
  }

  /** 2,048 samples; collapsed when the relative std is under 0.01 or the effective rank under 2. */
  public static HealthConfig defaults() {
    return new HealthConfig(2048, 0.01, 2.0);
  }

  public Map<String, Object> describe() {
    Map<String, Object> m = Parameters.of(this);
    return m;
  }
}
