package org.hptstream.evaluation;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.hptstream.checkpoint.Checkpoint;
import org.hptstream.checkpoint.CheckpointDraft;
import org.hptstream.checkpoint.CheckpointException;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.data.ChannelStats;
import org.hptstream.model.LoadReport;
import org.hptstream.model.ResNet;
import org.hptstream.model.ResNetConfig;

/**
 * Loads the backbone of a checkpoint directory the engine wrote ({@code <store>/<id>/manifest.json}
 * plus tensor files): every file's size and SHA-256 verified by the store, the architecture
 * checked, every backbone tensor accounted for by core's load report. Read-only: nothing is created
 * or modified.
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
    Path abs = dir.toAbsolutePath().normalize();
    if (!Files.isRegularFile(abs.resolve("manifest.json"))) {
      throw new CheckpointException(dir + " is not a checkpoint directory (no manifest.json)");
    }
    if (abs.getParent() == null) {
      throw new CheckpointException(dir + " is not a checkpoint directory");
    }
    String id = abs.getFileName().toString();
    // The store root exists (it holds dir), so the store creates nothing.
    LocalCheckpointStore store = new LocalCheckpointStore(abs.getParent());
    CheckpointManifest manifest =
        store
            .manifest(id)
            .orElseThrow(() -> new CheckpointException(dir + ": unreadable manifest.json"));
    ResNetConfig recorded;
    try {
      recorded = ResNetConfig.parse(manifest.architecture());
    } catch (IllegalArgumentException e) {
      throw new CheckpointException("checkpoint " + id + ": " + e.getMessage());
    }
    if (expected != null && !expected.equals(recorded)) {
      throw new CheckpointException(
          "checkpoint "
              + id
              + " holds a "
              + recorded.id()
              + " backbone, expected "
              + expected.id()
              + " (--arch)");
    }
    ResNet net = ResNet.backbone(recorded);
    net.initialize(manager);
    try (NDManager scratch = manager.newSubManager();
        Checkpoint c = store.get(id, recorded, Set.of(CheckpointDraft.BACKBONE), scratch)) {
      LoadReport report;
      try {
        report = c.loadBackboneInto(net);
      } catch (RuntimeException e) {
        throw new CheckpointException(
            "checkpoint "
                + id
                + ": its tensors do not fit a "
                + recorded.id()
                + " backbone: "
                + e.getMessage(),
            e);
      }
      if (report.loadedBackbone() != report.expectedBackbone()) {
        throw new CheckpointException("checkpoint " + id + ": " + report.summary());
      }
      String sha =
          manifest.files().stream()
              .filter(f -> CheckpointDraft.BACKBONE.equals(f.group()))
              .map(CheckpointManifest.FileEntry::sha256)
              .findFirst()
              .orElseThrow(
                  () -> new CheckpointException("checkpoint " + id + " has no backbone file"));
      ChannelStats norm = normalization(manifest);
      return new Loaded(
          new EvaluatedBackbone(id, sha, net, norm, transforms.apply(manifest, norm)),
          c.report(),
          report);
    }
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
