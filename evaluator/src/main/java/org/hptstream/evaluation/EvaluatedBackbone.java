package org.hptstream.evaluation;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.function.Function;
import org.hptstream.augment.AugmentConfig;
import org.hptstream.augment.BatchAugmenter;
import org.hptstream.augment.EvalTransform;
import org.hptstream.data.ChannelStats;
import org.hptstream.data.Sha256;
import org.hptstream.features.ImageTransform;
import org.hptstream.model.RandomInit;
import org.hptstream.model.ResNet;
import org.hptstream.model.ResNetConfig;
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
    String checkpointId,
    String sha256,
    ResNet net,
    ChannelStats normalization,
    Transforms transforms) {

  public EvaluatedBackbone {
    Objects.requireNonNull(checkpointId, "checkpointId");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(net, "net");
    Objects.requireNonNull(normalization, "normalization");
    Objects.requireNonNull(transforms, "transforms");
  }

  /**
   * Image transforms of the protocols: uint8 images to normalised backbone input.
   *
   * @param id names the eval transform and input size in feature-cache keys
   * @param eval deterministic eval transform (resize + center crop + normalise)
   * @param train probe/fine-tune training augmentation (random-resized-crop + flip + normalise)
   */
  public record Transforms(String id, ImageTransform eval, ImageTransform train) {
    /**
     * The paper's transforms at {@code size} px: eval = core's resize to {@code size / 0.875} +
     * center crop {@code size}; train = core's random-resized-crop (scale 0.08-1) + horizontal
     * flip.
     */
    public static Transforms paper(int size, ChannelStats norm) {
      return new Transforms(
          "resize" + Math.round(size / 0.875) + "-crop" + size,
          ImageTransform.of(EvalTransform.imagenetStyle(size, norm)),
          ImageTransform.of(new BatchAugmenter(AugmentConfig.linearProbe(size), norm)));
    }

    /**
     * Images evaluated at their own size (no resize, no crop: exact and cheapest for small-image
     * domains); training views are random-resized-crops + flips back to {@code size} px.
     */
    public static Transforms nativeSize(int size, ChannelStats norm) {
      return new Transforms(
          "native",
          ImageTransform.normalizeOnly(norm),
          ImageTransform.of(new BatchAugmenter(AugmentConfig.linearProbe(size), norm)));
    }

    /**
     * The transforms for a checkpoint evaluated on images of {@code own} px: at the size the
     * backbone was trained at (manifest scalar {@code image_size}) unless {@code imageSize} says
     * otherwise; at their own size, unresized, when that is the one.
     */
    public static Transforms forCheckpoint(
        org.hptstream.checkpoint.CheckpointManifest manifest,
        ChannelStats norm,
        int own,
        Integer imageSize) {
      long trained = manifest.scalars().getOrDefault("image_size", (long) own);
      int size = imageSize != null ? imageSize : Math.toIntExact(trained);
      return size == own && imageSize == null ? nativeSize(size, norm) : paper(size, norm);
    }

    /** Images at their own size, no augmentation anywhere (tests, debugging). */
    public static Transforms plain(ChannelStats norm) {
      ImageTransform t = ImageTransform.normalizeOnly(norm);
      return new Transforms("native", t, t);
    }
  }

  /**
   * A seeded random network of {@code arch}, evaluated without a checkpoint: exactly the backbone a
   * TARGET job with {@code seed} starts from (core's {@link RandomInit}), so every gain is read
   * against it. Its id is {@code random-<arch>-seed<seed>}; its hash is the SHA-256 of its tensors.
   *
   * @param norm the normalisation to evaluate with (a random net was trained on nothing: the data's
   *     own statistics, as a TARGET job would use)
   */
  public static EvaluatedBackbone randomInit(
      ResNetConfig arch,
      long seed,
      ChannelStats norm,
      Function<ChannelStats, Transforms> transforms,
      NDManager manager) {
    ResNet net = RandomInit.backbone(arch, seed, manager);
    MessageDigest digest = Sha256.digest();
    for (Parameter p : net.backboneParameters().values()) {
      digest.update(p.getArray().toByteArray());
    }
    return new EvaluatedBackbone(
        randomInitId(arch, seed), Sha256.hex(digest), net, norm, transforms.apply(norm));
  }

  /** The id of {@link #randomInit}'s backbone: {@code random-<arch>-seed<seed>}. */
  public static String randomInitId(ResNetConfig arch, long seed) {
    return "random-" + arch.id() + "-seed" + seed;
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
