package org.hptstream.evaluation;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.hptstream.checkpoint.BackboneLoader;
import org.hptstream.checkpoint.Checkpoint;
import org.hptstream.checkpoint.CheckpointException;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.data.ChannelStats;
import org.hptstream.model.LoadReport;
import org.hptstream.model.ResNetConfig;

/**
 * Loads the backbone of a checkpoint directory the engine wrote ({@code <store>/<id>/manifest.json}
 * plus tensor files) for evaluation: core's {@link BackboneLoader} (every file verified, every
 * backbone tensor accounted for; the same loader the trainer reads parents with) plus the
 * protocols' transforms. Read-only: nothing is created or modified.
 */
public final class CheckpointLoader {
  private CheckpointLoader() {}

  /** The loaded backbone and what the load verified. */
  public record Loaded(EvaluatedBackbone backbone, Checkpoint.Report verified, LoadReport loaded) {}

  /**
   * Loads {@code dir}'s backbone into a fresh network on {@code manager}.
   *
   * @param expected the architecture the caller expects, or {@code null} to take the manifest's
   * @param transforms the protocols' transforms, given the checkpoint's normalisation
   * @throws CheckpointException if the directory is not a checkpoint, a file is missing, truncated
   *     or its hash does not match, or the architecture differs from {@code expected} or from the
   *     tensors
   */
  public static Loaded load(
      Path dir,
      ResNetConfig expected,
      Function<ChannelStats, EvaluatedBackbone.Transforms> transforms,
      NDManager manager) {
    return load(dir, expected, (manifest, norm) -> transforms.apply(norm), manager);
  }

  /**
   * Like {@link #load(Path, ResNetConfig, Function, NDManager)}, with transforms that may depend on
   * the manifest too (e.g. its {@code image_size} scalar: the size the backbone was trained at).
   */
  public static Loaded load(
      Path dir,
      ResNetConfig expected,
      BiFunction<CheckpointManifest, ChannelStats, EvaluatedBackbone.Transforms> transforms,
      NDManager manager) {
    BackboneLoader.Loaded l = BackboneLoader.load(dir, expected, manager);
    ChannelStats norm = normalization(l.manifest());
    return new Loaded(
        new EvaluatedBackbone(
            l.id(), l.backboneSha256(), l.net(), norm, transforms.apply(l.manifest(), norm)),
        l.verified(),
        l.loaded());
  }

  /** The per-channel mean/std the checkpoint's backbone was trained with. */
  public static ChannelStats normalization(CheckpointManifest manifest) {
    CheckpointManifest.Normalization n = manifest.normalization();
    return new ChannelStats(toFloats(n.mean()), toFloats(n.std()));
  }

  private static float[] toFloats(List<Double> v) {
    float[] f = new float[v.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = v.get(i).floatValue();
    }
    return f;
  }
}
