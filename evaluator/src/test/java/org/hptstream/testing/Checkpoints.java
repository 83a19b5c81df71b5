package org.hptstream.testing;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hptstream.checkpoint.CheckpointDraft;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.data.ChannelStats;
import org.hptstream.model.ResNet;
import org.hptstream.model.TorchvisionWeights;

/** Writes real checkpoints with core's {@link LocalCheckpointStore}, as the engine does. */
public final class Checkpoints {
  private Checkpoints() {}

  /** Stores {@code net}'s backbone under {@code root}; returns the checkpoint directory. */
  public static Path write(Path root, ResNet net, ChannelStats stats, String strategy, long steps) {
    LocalCheckpointStore store = new LocalCheckpointStore(root);
    try (NDManager scratch = NDManager.newBaseManager()) {
      CheckpointManifest m =
          store.put(
              new CheckpointDraft(
                  null,
                  "fashion-mnist",
                  strategy,
                  steps,
                  net.config(),
                  new CheckpointManifest.Normalization(doubles(stats.mean()), doubles(stats.std())),
                  new CheckpointManifest.DataStats(4000, "test fixture"),
                  null,
                  Map.of(),
                  Map.of(
                      CheckpointDraft.BACKBONE,
                      TorchvisionWeights.namedCopies(net.backboneParameters(), scratch))));
      return root.resolve(m.id());
    }
  }

  private static List<Double> doubles(float[] v) {
    Double[] d = new Double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = (double) v[i];
    }
    return List.of(d);
  }
}
