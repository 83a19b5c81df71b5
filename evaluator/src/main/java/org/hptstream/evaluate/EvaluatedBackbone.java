package org.hptstream.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.hptstream.data.ChannelStats;
import org.hptstream.model.ResNet;
import org.hptstream.model.TorchvisionWeights;

/**
 * A backbone under evaluation and what identifies it.
 *
 * @param checkpointId the checkpoint's id
 * @param sha256 hash of the checkpoint's content (keys the feature cache, goes into provenance)
 * @param net the loaded network (its {@link ResNet#backbone()} gives the pooled features)
 * @param normalization the per-channel mean/std stored with the checkpoint
 * @param transforms eval transform and probe/fine-tune train augmentation
 */
public record EvaluatedBackbone(
    String checkpointId, String sha256, ResNet net, ChannelStats normalization, Transforms transforms) {

  public EvaluatedBackbone {
    Objects.requireNonNull(checkpointId, "checkpointId");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(net, "net");
    Objects.requireNonNull(normalization, "normalization");
    Objects.requireNonNull(transforms, "transforms");
  }

  /**
   * Image transforms of the protocols, applied to float {@code [B, C, H, W]} batches in [0, 1].
   *
   * @param id names the eval transform and input size in feature-cache keys
   * @param eval deterministic eval transform (resize + center crop)
   * @param train probe/fine-tune training augmentation (random-resized-crop + flip)
   */
  public record Transforms(String id, UnaryOperator<NDArray> eval, UnaryOperator<NDArray> train) {
    /** Images already at the backbone's input size, no augmentation. */
    public static Transforms none() {
      return new Transforms("native", UnaryOperator.identity(), UnaryOperator.identity());
    }
  }

  /**
   * A fresh network with a {@code numClasses}-way linear head whose backbone is a copy of this one
   * (loaded through core's checked weight import, so nothing is silently left at random init).
   */
  public ResNet newClassifierNet(int numClasses, NDManager manager) {
    ResNet fresh = ResNet.withClassifier(net.config(), numClasses);
    fresh.initialize(manager);
    try (NDManager scratch = manager.newSubManager();
        NDList named = TorchvisionWeights.namedCopies(net.backboneParameters(), scratch)) {
      TorchvisionWeights.load(fresh, named, "checkpoint " + checkpointId, false);
    }
    return fresh;
  }
}
