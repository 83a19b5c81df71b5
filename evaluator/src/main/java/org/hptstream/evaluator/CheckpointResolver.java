package org.hptstream.evaluator;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.hptstream.checkpoint.CheckpointDraft;
import org.hptstream.checkpoint.CheckpointException;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.evaluation.CheckpointLoader;
import org.hptstream.evaluation.EvaluatedBackbone;
import org.hptstream.model.WeightLoadException;
import org.hptstream.schemas.CheckpointEvent;

/**
 * Finds an event's checkpoint by id in the configured store (never by the event's URI: a message
 * does not choose which file this process opens), checks the event against the manifest, and loads
 * the backbone with every file's hash verified.
 */
final class CheckpointResolver {
  private final LocalCheckpointStore store;

  CheckpointResolver(Path root) {
    this.store = new LocalCheckpointStore(root);
  }

  /** The manifest of {@code id}, or a rejection (MISSING, INVALID). */
  CheckpointManifest manifest(String id) throws CheckpointRejected {
    try {
      return store
          .manifest(id)
          .orElseThrow(
              () ->
                  new CheckpointRejected(
                      CheckpointRejected.Reason.MISSING,
                      "checkpoint " + id + " is not in the store " + store.root()));
    } catch (CheckpointException e) {
      throw new CheckpointRejected(CheckpointRejected.Reason.INVALID, e.getMessage(), e);
    }
  }

  /** Checks what the event says against the stored manifest, before any file is read. */
  CheckpointManifest check(CheckpointEvent e) throws CheckpointRejected {
    CheckpointManifest m = manifest(e.getCheckpointId());
    if (!m.architecture().equals(e.getArchitecture())) {
      throw new CheckpointRejected(
          CheckpointRejected.Reason.INCOMPATIBLE,
          "checkpoint "
              + m.id()
              + " holds a "
              + m.architecture()
              + " backbone, the event says "
              + e.getArchitecture());
    }
    String stored = backboneSha(m);
    if (e.getWeights() == null || !stored.equalsIgnoreCase(e.getWeights().getSha256())) {
      throw new CheckpointRejected(
          CheckpointRejected.Reason.TAMPERED,
          "checkpoint "
              + m.id()
              + ": the event's sha256 "
              + (e.getWeights() == null ? null : e.getWeights().getSha256())
              + " is not the stored backbone's "
              + stored);
    }
    return m;
  }

  /** Loads the backbone (every file verified against the manifest). */
  CheckpointLoader.Loaded load(String id, int imageSize, NDManager manager)
      throws CheckpointRejected {
    try {
      return CheckpointLoader.load(
          store.root().resolve(id),
          null,
          (manifest, norm) ->
              EvaluatedBackbone.Transforms.forCheckpoint(manifest, norm, imageSize, null),
          manager);
    } catch (CheckpointException | WeightLoadException e) {
      CheckpointRejected.Reason r =
          String.valueOf(e.getMessage()).contains("fit")
              ? CheckpointRejected.Reason.INCOMPATIBLE
              : CheckpointRejected.Reason.TAMPERED;
      throw new CheckpointRejected(r, "checkpoint " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * The root of {@code id}'s lineage in this store: its ancestor without a parent, or the last one
   * the store holds.
   */
  String root(String id) throws CheckpointRejected {
    Set<String> seen = new HashSet<>();
    String at = id;
    while (seen.add(at)) {
      CheckpointManifest m = manifest(at);
      if (m.parentId() == null || store.manifest(m.parentId()).isEmpty()) {
        return at;
      }
      at = m.parentId();
    }
    return at;
  }

  private static String backboneSha(CheckpointManifest m) throws CheckpointRejected {
    return m.files().stream()
        .filter(f -> CheckpointDraft.BACKBONE.equals(f.group()))
        .map(CheckpointManifest.FileEntry::sha256)
        .findFirst()
        .orElseThrow(
            () ->
                new CheckpointRejected(
                    CheckpointRejected.Reason.INCOMPATIBLE,
                    "checkpoint " + m.id() + " has no backbone file"));
  }
}
