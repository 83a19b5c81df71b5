package org.hptstream.leaderboard;

/**
 * One checkpoint's result within a comparison group.
 *
 * @param checkpointId the evaluated checkpoint
 * @param parentId its parent, or null
 * @param strategy its strategy ({@code BASE} for the domain's BASE row, {@code RANDOM} for the
 *     random network of the domain's architecture), or null when unknown
 * @param steps its training steps, or null when unknown
 * @param value the measurement (mean over reruns)
 * @param spread sample std over reruns, or null
 * @param timestamp when the evaluation ran (epoch millis)
 */
public record Candidate(
    String checkpointId,
    String parentId,
    String strategy,
    Long steps,
    double value,
    Double spread,
    long timestamp) {

  /** The strategy name of a domain's BASE row. */
  public static final String BASE = "BASE";

  /** True for the domain's BASE row (its lineage root evaluated as is). */
  public boolean isBase() {
    return BASE.equals(strategy);
  }

  /** The strategy name of the row of a random network of the domain's architecture. */
  public static final String RANDOM = "RANDOM";

  /** True for the random-network row: a reference every gain is read against, never a leader. */
  public boolean isRandom() {
    return RANDOM.equals(strategy);
  }

  /** Where this candidate is kept in its group: a BASE row apart from the same checkpoint's own. */
  String slot() {
    return isBase() ? BASE + ":" + checkpointId : checkpointId;
  }
}
