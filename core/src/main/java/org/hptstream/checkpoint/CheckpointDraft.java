package org.hptstream.checkpoint;

import ai.djl.ndarray.NDList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hptstream.checkpoint.CheckpointManifest.DataStats;
import org.hptstream.checkpoint.CheckpointManifest.Normalization;
import org.hptstream.model.ResNet;
import org.hptstream.model.ResNetConfig;
import org.hptstream.topics.SafeNames;
import org.hptstream.topics.SafeNames.Kind;

/**
 * Everything a job hands to {@link CheckpointStore#put(CheckpointDraft)}; the store adds the id,
 * creation time and file hashes. Tensors come as named groups: {@link #BACKBONE} (torchvision
 * names, required and checked complete against the architecture) plus whatever else the job needs
 * to resume (e.g. {@code head}, {@code key_encoder}, {@code queue}, {@code optimizer}). Arrays must
 * be named (unique within a group); the store only reads them, the caller keeps ownership.
 *
 * @param parentId checkpoint this job started from, or null
 * @param domain target domain, lower-cased, then valid by {@link SafeNames} (as a domain)
 * @param strategy training strategy, same alphabet
 * @param steps optimizer steps of the job
 * @param architecture backbone architecture
 * @param normalization pixel mean/std the job used
 * @param data training data statistics
 * @param finalLoss last loss, or null
 * @param scalars small integer state (step, queue pointer, seed, ...)
 * @param groups tensor groups by name (valid by {@link SafeNames}, stored as {@code <group>.npz})
 */
public record CheckpointDraft(
    String parentId,
    String domain,
    String strategy,
    long steps,
    ResNetConfig architecture,
    Normalization normalization,
    DataStats data,
    Double finalLoss,
    Map<String, Long> scalars,
    Map<String, NDList> groups) {

  /** Name of the required backbone group (torchvision names, BN running stats included). */
  public static final String BACKBONE = "backbone";

  /** Validates labels, group names, array names, and that the backbone group is complete. */
  public CheckpointDraft {
    domain = label(Kind.DOMAIN, domain);
    strategy = label(Kind.STRATEGY, strategy);
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0: " + steps);
    }
    if (architecture == null || normalization == null || data == null) {
      throw new IllegalArgumentException("architecture, normalization and data are required");
    }
    if (normalization.mean().size() != architecture.inChannels()) {
      throw new IllegalArgumentException(
          "normalization has "
              + normalization.mean().size()
              + " channels, architecture "
              + architecture.id()
              + " has "
              + architecture.inChannels());
    }
    scalars = scalars == null ? Map.of() : Map.copyOf(scalars);
    groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    for (Map.Entry<String, NDList> g : groups.entrySet()) {
      SafeNames.validate(Kind.GROUP, g.getKey());
      if (g.getValue().stream().anyMatch(a -> a.getName() == null)
          || g.getValue().stream().map(a -> a.getName()).distinct().count()
              != g.getValue().size()) {
        throw new IllegalArgumentException("arrays of group " + g.getKey() + " need unique names");
      }
    }
    NDList backbone = groups.get(BACKBONE);
    if (backbone == null) {
      throw new IllegalArgumentException("a checkpoint needs a '" + BACKBONE + "' group");
    }
    var expected = ResNet.backbone(architecture).backboneParameters().keySet();
    var actual = backbone.stream().map(a -> a.getName()).toList();
    if (!actual.equals(java.util.List.copyOf(expected))) {
      var missing = new java.util.LinkedHashSet<>(expected);
      actual.forEach(missing::remove);
      var extra = new java.util.ArrayList<>(actual);
      extra.removeAll(expected);
      throw new IllegalArgumentException(
          "backbone group does not match "
              + architecture.id()
              + " (torchvision names in order): missing "
              + missing
              + ", unexpected "
              + extra);
    }
  }

  private static String label(Kind kind, String value) {
    return SafeNames.validate(kind, value == null ? "" : value.toLowerCase(java.util.Locale.ROOT));
  }
}
