package org.hptstream.trainer;

import java.time.Duration;

/**
 * Bounds on what the trainer service's poll thread holds besides the domains' samples (which are
 * bounded by construction: bottom-k evicts).
 *
 * @param maxPendingDeadLetters dead letters of one domain held before they are sent; at this many
 *     the domain's partitions are paused until they are sent
 * @param maxPendingDeadLetterBytes the same bound in bytes (a dead letter carries the bad record)
 * @param deadLetterFlush how long a dead letter waits for others to share its transaction
 * @param maxUnservedRequests training requests held, over all domains, that no job has served yet
 *     (also of domains another instance owns: this one may own them after a rebalance); beyond it
 *     the oldest are dropped with a warning
 */
public record ConsumptionLimits(
    int maxPendingDeadLetters,
    long maxPendingDeadLetterBytes,
    Duration deadLetterFlush,
    int maxUnservedRequests) {

  /** Checks the bounds. */
  public ConsumptionLimits {
    if (maxPendingDeadLetters < 1 || maxPendingDeadLetterBytes < 1 || maxUnservedRequests < 1) {
      throw new IllegalArgumentException("consumption limits must be >= 1");
    }
    if (deadLetterFlush.isNegative()) {
      throw new IllegalArgumentException("deadLetterFlush must not be negative");
    }
  }

  /** 1,000 dead letters or 64 MiB per domain, sent within a second; 1,000 unserved requests. */
  public static ConsumptionLimits defaults() {
    return new ConsumptionLimits(1_000, 64L << 20, Duration.ofSeconds(1), 1_000);
  }
}
