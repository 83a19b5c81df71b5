package org.hptstream.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * The JSON manifest ({@code manifest.json}) of a stored checkpoint: provenance, training state
 * scalars, and the name, size and SHA-256 of every tensor file, so a load can prove it read exactly
 * what was written.
 *
 * @param formatVersion layout version ({@link #FORMAT_VERSION}); readers refuse newer versions
 * @param id readable unique id {@code <domain>-<strategy>-<steps>-<8 hex>}
 * @param parentId checkpoint this one was initialised from (HPT's base or a chained source), or
 *     null
 * @param domain image domain the checkpoint was trained on (e.g. {@code fashion-mnist})
 * @param strategy how it was trained (e.g. {@code hpt}, {@code target}, {@code hpt-bn}, {@code
 *     base})
 * @param steps optimizer steps taken by the job that wrote it
 * @param architecture {@code ResNetConfig.id()} of the backbone, e.g. {@code resnet18-w16-small}
 * @param normalization per-channel pixel mean/std the backbone was trained with
 * @param data statistics of the training data
 * @param createdAt creation time, ISO-8601 UTC
 * @param finalLoss last training loss, or null when not applicable (imports, BASE)
 * @param scalars small integer state for exact resume (step, queue pointer, seed, ...)
 * @param files one entry per tensor file
 */
public record CheckpointManifest(
    int formatVersion,
    String id,
    String parentId,
    String domain,
    String strategy,
    long steps,
    String architecture,
    Normalization normalization,
    DataStats data,
    String createdAt,
    Double finalLoss,
    Map<String, Long> scalars,
    List<FileEntry> files) {

  /** The layout this code writes and the newest it reads. */
  public static final int FORMAT_VERSION = 1;

  /** Copies collections. */
  public CheckpointManifest {
    scalars = scalars == null ? Map.of() : Map.copyOf(scalars);
    files = files == null ? List.of() : List.copyOf(files);
  }

  /**
   * Per-channel normalisation of input pixels (after scaling to [0, 1]).
   *
   * @param mean per-channel mean
   * @param std per-channel standard deviation
   */
  public record Normalization(List<Double> mean, List<Double> std) {
    /** Checks both lists have one positive-std entry per channel. */
    public Normalization {
      mean = List.copyOf(mean);
      std = List.copyOf(std);
      if (mean.size() != std.size() || mean.isEmpty()) {
        throw new IllegalArgumentException(
            "mean and std need one entry per channel: " + mean + " / " + std);
      }
      if (std.stream().anyMatch(s -> !(s > 0))) {
        throw new IllegalArgumentException("std must be positive: " + std);
      }
    }
  }

  /**
   * What the checkpoint was trained on.
   *
   * @param imageCount number of images seen / in the training set
   * @param source human-readable description (file, topic and offsets, ...)
   * @param job the service job that wrote it (its fixed input), or null for a command-line job
   */
  public record DataStats(long imageCount, String source, JobInput job) {
    /** A checkpoint written outside the service (no job input). */
    public DataStats(long imageCount, String source) {
      this(imageCount, source, null);
    }
  }

  /**
   * A service job's identity and fixed input, recorded in every checkpoint the job writes so a
   * retried job is recognised and a resumed one continues on exactly the same data.
   *
   * @param jobId deterministic id of the job (domain, strategy, parent, data offsets)
   * @param ranges the partition offset ranges its training sample was drawn from
   * @param sampleSha256 SHA-256 over the ids of the sampled images, in sample order
   * @param requestId the training request that caused the job, or null
   */
  public record JobInput(
      String jobId, List<OffsetSpan> ranges, String sampleSha256, String requestId) {
    /** Copies the ranges. */
    public JobInput {
      ranges = ranges == null ? List.of() : List.copyOf(ranges);
    }
  }

  /**
   * Offsets {@code [start, end)} of one partition of a log (e.g. a Kafka topic).
   *
   * @param topic topic name
   * @param partition partition number
   * @param start first offset
   * @param end offset after the last one
   */
  public record OffsetSpan(String topic, int partition, long start, long end) {}

  /**
   * A stored tensor file: one named group of tensors.
   *
   * @param name file name inside the checkpoint ({@code <group>.npz})
   * @param group tensor group it holds ({@code backbone}, {@code head}, ...)
   * @param tensors number of arrays in the file
   * @param size bytes
   * @param sha256 lowercase hex SHA-256 of the bytes
   */
  public record FileEntry(String name, String group, int tensors, long size, String sha256) {}
}
