package org.hptstream.checkpoint;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.hptstream.model.LoadReport;
import org.hptstream.model.ResNet;
import org.hptstream.model.ResNetConfig;

/**
 * Reads the backbone of a checkpoint directory the engine wrote ({@code <store>/<id>/manifest.json}
 * plus tensor files) into a fresh network: every file's size and SHA-256 verified by the store, the
 * architecture checked, every backbone tensor accounted for by the load report. The one way a
 * checkpoint is opened by path, whether as the parent of a training job or to be evaluated.
 * Read-only: nothing is created or modified.
 *
 * <p>Memory: the network's arrays belong to the caller's manager; the tensors read from disk live
 * in a sub-manager that is closed before {@link #load} returns (the network holds copies).
 */
public final class BackboneLoader {
  private BackboneLoader() {}

  /**
   * A loaded backbone.
   *
   * @param manifest the checkpoint's manifest
   * @param net the network with the checkpoint's backbone (no classifier), in the caller's manager
   * @param verified what the store verified
   * @param loaded what was copied into {@code net}
   */
  public record Loaded(
      CheckpointManifest manifest, ResNet net, Checkpoint.Report verified, LoadReport loaded) {
    /** The checkpoint's id. */
    public String id() {
      return manifest.id();
    }

    /** SHA-256 of the backbone file (identifies the weights; keys caches, goes into provenance). */
    public String backboneSha256() {
      return manifest.files().stream()
          .filter(f -> CheckpointDraft.BACKBONE.equals(f.group()))
          .map(CheckpointManifest.FileEntry::sha256)
          .findFirst()
          .orElseThrow();
    }

    /** One line for logs: what was verified and what was loaded. */
    public String summary() {
      return verified.summary() + "; " + loaded.summary();
    }
  }

  /**
   * Loads {@code dir}'s backbone into a fresh network on {@code manager}.
   *
   * @param expected the architecture the caller expects, or {@code null} to take the manifest's
   * @throws CheckpointException if the directory is not a checkpoint, a file is missing, truncated
   *     or its hash does not match, or the architecture differs from {@code expected} or from the
   *     tensors
   */
  public static Loaded load(Path dir, ResNetConfig expected, NDManager manager) {
    Path abs = dir.toAbsolutePath().normalize();
    if (!Files.isRegularFile(abs.resolve("manifest.json")) || abs.getParent() == null) {
      throw new CheckpointException(dir + " is not a checkpoint directory (no manifest.json)");
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
              + expected.id());
    }
    if (manifest.files().stream().noneMatch(f -> CheckpointDraft.BACKBONE.equals(f.group()))) {
      throw new CheckpointException("checkpoint " + id + " has no backbone file");
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
      return new Loaded(manifest, net, c.report(), report);
    }
  }
}
