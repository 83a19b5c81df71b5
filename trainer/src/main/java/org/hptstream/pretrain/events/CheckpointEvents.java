package org.hptstream.pretrain.events;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.pretrain.JobCheckpoints;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.OffsetRange;
import org.hptstream.schemas.WeightsRef;
import org.hptstream.strategy.Strategy;
import org.hptstream.topics.TopicNames;
import org.hptstream.topics.TopicSpec;

/**
 * Builds the {@link CheckpointEvent} that announces a stored checkpoint on {@link
 * TopicNames#CHECKPOINTS}: where its backbone weights are (URI, SHA-256, size, straight from the
 * verified manifest) and which topic offsets it was trained on.
 */
public final class CheckpointEvents {
  /** The checkpoint topic as the trainer creates it. */
  public static final TopicSpec TOPIC = TopicSpec.events(TopicNames.CHECKPOINTS);

  private CheckpointEvents() {}

  /**
   * @param manifest the stored checkpoint's manifest
   * @param dir the checkpoint's directory (its files are named in the manifest)
   * @param provenance offset ranges of the image topic(s) the job consumed; empty for local files
   * @param wallTimeMs the job's wall time
   */
  public static CheckpointEvent of(
      CheckpointManifest manifest, Path dir, List<OffsetRange> provenance, long wallTimeMs) {
    CheckpointManifest.FileEntry backbone =
        manifest.files().stream()
            .filter(f -> f.group().equals("backbone"))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "checkpoint " + manifest.id() + " has no backbone file"));
    return CheckpointEvent.newBuilder()
        .setDomain(manifest.domain())
        .setCheckpointId(manifest.id())
        .setParentId(manifest.parentId())
        .setStrategy(
            org.hptstream.schemas.Strategy.valueOf(Strategy.parse(manifest.strategy()).name()))
        .setSteps(manifest.steps())
        .setArchitecture(manifest.architecture())
        .setWeights(
            WeightsRef.newBuilder()
                .setUri(dir.toAbsolutePath().resolve(backbone.name()).toUri().toString())
                .setSha256(backbone.sha256())
                .setSizeBytes(backbone.size())
                .build())
        .setProvenance(List.copyOf(provenance))
        .setWallTimeMs(wallTimeMs)
        .setFinalLoss(manifest.finalLoss())
        .setCreatedAt(Instant.parse(manifest.createdAt()))
        .setContinued(Long.valueOf(1).equals(manifest.scalars().get(JobCheckpoints.CONTINUED)))
        .build();
  }
}
