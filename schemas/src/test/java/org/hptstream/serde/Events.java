package org.hptstream.serde;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.OffsetRange;
import org.hptstream.schemas.Strategy;
import org.hptstream.schemas.WeightsRef;

/** Sample records for the serde tests. */
final class Events {
  private Events() {}

  static CheckpointEvent checkpoint(String id, Strategy strategy, long steps) {
    return CheckpointEvent.newBuilder()
        .setDomain("fashion")
        .setCheckpointId(id)
        .setParentId(strategy == Strategy.TARGET ? null : "base-imagenet")
        .setStrategy(strategy)
        .setSteps(steps)
        .setArchitecture("resnet18")
        .setWeights(new WeightsRef("file:///tmp/" + id + ".npz", "ab".repeat(32), 44_000_000L))
        .setProvenance(List.of(new OffsetRange("hpt.images.fashion", 0, 0L, 52L)))
        .setWallTimeMs(12_345L)
        .setFinalLoss(6.25)
        .setCreatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
        .build();
  }
}
