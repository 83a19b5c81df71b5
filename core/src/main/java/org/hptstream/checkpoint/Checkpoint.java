package org.hptstream.checkpoint;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hptstream.model.LoadReport;
import org.hptstream.model.ParameterCopy;
import org.hptstream.model.ResNet;
import org.hptstream.model.ResNetConfig;
import org.hptstream.model.TorchvisionWeights;

/**
 * A checkpoint read and verified by a {@link CheckpointStore}: its manifest, the tensor groups that
 * were asked for (arrays in the caller's manager; {@link #close()} frees them) and a {@link Report}
 * of what was verified and loaded.
 */
public final class Checkpoint implements AutoCloseable {

  private final CheckpointManifest manifest;
  private final Map<String, NDList> groups;
  private final Report report;

  /** Built by stores after verification. */
  public Checkpoint(
      CheckpointManifest manifest,
      Map<String, NDList> groups,
      List<String> verifiedFiles,
      long verifiedBytes) {
    this.manifest = manifest;
    this.groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    Map<String, Integer> counts = new LinkedHashMap<>();
    groups.forEach((k, v) -> counts.put(k, v.size()));
    this.report =
        new Report(manifest.id(), manifest.architecture(), verifiedFiles, verifiedBytes, counts);
  }

  /** The manifest. */
  public CheckpointManifest manifest() {
    return manifest;
  }

  /** The architecture recorded in the manifest. */
  public ResNetConfig architecture() {
    return ResNetConfig.parse(manifest.architecture());
  }

  /** What was verified and loaded. */
  public Report report() {
    return report;
  }

  /**
   * A loaded tensor group.
   *
   * @throws CheckpointException if the group was not requested or does not exist
   */
  public NDList group(String name) {
    NDList g = groups.get(name);
    if (g == null) {
      throw new CheckpointException(
          "checkpoint "
              + manifest.id()
              + ": group '"
              + name
              + "' was not loaded (loaded: "
              + groups.keySet()
              + ")");
    }
    return g;
  }

  /** Names of the loaded groups. */
  public java.util.Set<String> groups() {
    return groups.keySet();
  }

  /** A scalar from the manifest, e.g. {@code step} or {@code queue_ptr}. */
  public java.util.OptionalLong scalar(String name) {
    Long v = manifest.scalars().get(name);
    return v == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(v);
  }

  /**
   * Copies the backbone group into {@code model} (all-or-nothing, by torchvision name; see {@link
   * TorchvisionWeights#load}). The model's architecture must equal the checkpoint's.
   *
   * @return what was loaded; every backbone tensor, or an exception
   */
  public LoadReport loadBackboneInto(ResNet model) {
    if (!model.config().equals(architecture())) {
      throw new CheckpointException(
          "checkpoint "
              + manifest.id()
              + " holds "
              + manifest.architecture()
              + ", the model is "
              + model.config().id());
    }
    return TorchvisionWeights.load(
        model, group(CheckpointDraft.BACKBONE), "checkpoint " + manifest.id(), false);
  }

  /**
   * Copies a loaded group into parameters named like its arrays (e.g. the MoCo head or key
   * encoder), all-or-nothing; see {@link ParameterCopy#copyExactly}.
   *
   * @return number of tensors copied
   */
  public int loadGroupInto(String group, Map<String, Parameter> parameters) {
    return ParameterCopy.copyExactly(
        parameters, group(group), "checkpoint " + manifest.id() + ", group " + group);
  }

  /** Closes the loaded arrays. */
  @Override
  public void close() {
    groups.values().forEach(NDList::close);
  }

  /**
   * What a load verified and read.
   *
   * @param id checkpoint id
   * @param architecture recorded architecture (equal to the requested one)
   * @param verifiedFiles every file of the manifest, size and SHA-256 checked
   * @param verifiedBytes total bytes hashed
   * @param loadedTensors number of arrays per loaded group
   */
  public record Report(
      String id,
      String architecture,
      List<String> verifiedFiles,
      long verifiedBytes,
      Map<String, Integer> loadedTensors) {
    /** Copies collections. */
    public Report {
      verifiedFiles = List.copyOf(verifiedFiles);
      loadedTensors = Collections.unmodifiableMap(new LinkedHashMap<>(loadedTensors));
    }

    /** One line for logs. */
    public String summary() {
      return "checkpoint "
          + id
          + " ("
          + architecture
          + "): verified "
          + verifiedFiles.size()
          + " files, "
          + verifiedBytes
          + " bytes, sha256 ok; loaded "
          + loadedTensors;
    }
  }
}
