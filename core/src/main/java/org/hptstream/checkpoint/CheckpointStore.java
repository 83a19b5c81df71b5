package org.hptstream.checkpoint;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hptstream.model.ResNetConfig;
import org.hptstream.model.TorchvisionWeights;

/**
 * Where checkpoints live. Writes are atomic (a checkpoint is either fully there or absent); reads
 * verify the manifest, every file's size and SHA-256, and the architecture, and refuse anything
 * that does not match. {@link LocalCheckpointStore} keeps them in a directory; object stores can
 * implement the same contract.
 */
public interface CheckpointStore {

  /**
   * Stores a checkpoint and returns its manifest (with the new id).
   *
   * @throws CheckpointException if it cannot be written (nothing is left behind)
   */
  CheckpointManifest put(CheckpointDraft draft);

  /**
   * Reads and verifies a checkpoint, decoding only the requested tensor groups into {@code manager}
   * (every file is still size- and hash-checked).
   *
   * @param architecture the architecture the caller will load into; a different one is refused
   * @param groups tensor groups to decode; each must exist
   * @throws CheckpointException if missing, truncated, tampered, of another architecture or format
   */
  Checkpoint get(String id, ResNetConfig architecture, Set<String> groups, NDManager manager);

  /** {@link #get(String, ResNetConfig, Set, NDManager)} of all groups. */
  default Checkpoint get(String id, ResNetConfig architecture, NDManager manager) {
    CheckpointManifest m =
        manifest(id).orElseThrow(() -> new CheckpointException("no checkpoint " + id));
    Set<String> all = new java.util.LinkedHashSet<>();
    m.files().forEach(f -> all.add(f.group()));
    return get(id, architecture, all, manager);
  }

  /** The manifest of {@code id}, if such a checkpoint exists (files are not verified). */
  Optional<CheckpointManifest> manifest(String id);

  /** All readable checkpoints' manifests (unreadable entries are skipped and logged). */
  List<CheckpointManifest> list();

  /**
   * Deletes a checkpoint: it disappears atomically (readers see all of it or nothing), then its
   * files go.
   *
   * @return false when there was no such checkpoint
   * @throws CheckpointException if it cannot be removed
   */
  boolean delete(String id);

  /**
   * Removes what interrupted writes and deletes left behind, sparing anything touched within {@code
   * minAge} (a write still in progress, perhaps by another process sharing the store).
   *
   * @return how many leftovers were removed
   */
  default int collectLeftovers(java.time.Duration minAge) {
    return 0;
  }

  /** The most recent checkpoint of a domain (by creation time, then steps). */
  default Optional<CheckpointManifest> latest(String domain) {
    return list().stream()
        .filter(m -> m.domain().equalsIgnoreCase(domain))
        .max(
            Comparator.comparing((CheckpointManifest m) -> java.time.Instant.parse(m.createdAt()))
                .thenComparingLong(CheckpointManifest::steps));
  }

  /**
   * Writes the verified backbone of {@code id} as an npz with torchvision names, loadable in
   * PyTorch through {@code ops/tools/npz_to_pth.py}.
   *
   * @throws CheckpointException if the checkpoint is missing or fails verification
   */
  default void exportBackbone(String id, Path npz) {
    CheckpointManifest m =
        manifest(id).orElseThrow(() -> new CheckpointException("no checkpoint " + id));
    try (NDManager manager = NDManager.newBaseManager();
        Checkpoint c =
            get(
                id,
                ResNetConfig.parse(m.architecture()),
                Set.of(CheckpointDraft.BACKBONE),
                manager)) {
      TorchvisionWeights.writeNpz(c.group(CheckpointDraft.BACKBONE), npz);
    }
  }
}
