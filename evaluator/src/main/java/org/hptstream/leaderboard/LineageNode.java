package org.hptstream.leaderboard;

import org.hptstream.schemas.CheckpointEvent;

/**
 * A checkpoint as the lineage view shows it.
 *
 * @param checkpointId the checkpoint
 * @param domain the domain it was trained on
 * @param parentId the checkpoint it started from, or null (random init or imported)
 * @param strategy its strategy
 * @param steps training steps
 * @param kind FINAL or PERIODIC
 * @param jobId the job that wrote it, or null
 * @param createdAt epoch millis
 */
public record LineageNode(
    String checkpointId,
    String domain,
    String parentId,
    String strategy,
    long steps,
    String kind,
    String jobId,
    long createdAt) {

  /** The node a checkpoint event describes. */
  public static LineageNode of(CheckpointEvent e) {
    return new LineageNode(
        e.getCheckpointId(),
        e.getDomain(),
        e.getParentId(),
        e.getStrategy().name(),
        e.getSteps(),
        e.getKind() == null ? "FINAL" : e.getKind().name(),
        e.getJobId(),
        e.getCreatedAt().toEpochMilli());
  }
}
