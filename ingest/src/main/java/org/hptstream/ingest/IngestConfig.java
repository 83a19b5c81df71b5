package org.hptstream.ingest;

import java.nio.file.Path;
import java.util.List;
import org.hptstream.data.ImageLimits;
import org.hptstream.schemas.Split;
import org.hptstream.topics.DomainNames;

/**
 * What to ingest and how.
 *
 * @param domain image domain (validated by {@link DomainNames}); the topic is {@code
 *     hpt.images.<domain>}
 * @param split data split recorded in every batch
 * @param sources folders of PNG/JPEG (recursive), single PNG/JPEG files, or IDX image files
 * @param labels IDX label file for the one IDX source, or null
 * @param skipNonImages skip files that are not PNG/JPEG instead of failing (corrupt PNG/JPEG still
 *     fail)
 * @param producerId recorded in every batch; null for {@code hpt-ingest@<host>}
 * @param compression producer compression.type (lz4, zstd, gzip, snappy, none)
 * @param partitions partitions of the images topic when this run creates it
 * @param maxBatchBytes upper bound of one batch record; 0 for as large as the topic allows
 * @param imageLimits the pixel cap every image is checked against from its header, before it is
 *     decoded (null for {@link ImageLimits#DEFAULT}); consumers apply the same cap
 */
public record IngestConfig(
    String domain,
    Split split,
    List<Path> sources,
    Path labels,
    boolean skipNonImages,
    String producerId,
    String compression,
    int partitions,
    int maxBatchBytes,
    ImageLimits imageLimits) {

  /** With {@link ImageLimits#DEFAULT}. */
  public IngestConfig(
      String domain,
      Split split,
      List<Path> sources,
      Path labels,
      boolean skipNonImages,
      String producerId,
      String compression,
      int partitions,
      int maxBatchBytes) {
    this(
        domain,
        split,
        sources,
        labels,
        skipNonImages,
        producerId,
        compression,
        partitions,
        maxBatchBytes,
        ImageLimits.DEFAULT);
  }

  public IngestConfig {
    imageLimits = imageLimits == null ? ImageLimits.DEFAULT : imageLimits;
    DomainNames.validate(domain);
    split = split == null ? Split.UNLABELED : split;
    if (sources == null || sources.isEmpty()) {
      throw new IllegalArgumentException(
          "no input given: name folders of PNG/JPEG or IDX image files");
    }
    sources = List.copyOf(sources);
    compression = compression == null ? "lz4" : compression;
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1");
    }
    if (maxBatchBytes < 0) {
      throw new IllegalArgumentException("maxBatchBytes must be >= 0");
    }
  }

  /** Defaults: unlabeled split, lz4, one partition, batches as large as the topic allows. */
  public static IngestConfig of(String domain, List<Path> sources) {
    return new IngestConfig(domain, Split.UNLABELED, sources, null, false, null, "lz4", 1, 0);
  }

  public IngestConfig withSplit(Split s) {
    return new IngestConfig(
        domain,
        s,
        sources,
        labels,
        skipNonImages,
        producerId,
        compression,
        partitions,
        maxBatchBytes,
        imageLimits);
  }

  public IngestConfig withLabels(Path l) {
    return new IngestConfig(
        domain,
        split,
        sources,
        l,
        skipNonImages,
        producerId,
        compression,
        partitions,
        maxBatchBytes,
        imageLimits);
  }

  public IngestConfig withMaxBatchBytes(int bytes) {
    return new IngestConfig(
        domain,
        split,
        sources,
        labels,
        skipNonImages,
        producerId,
        compression,
        partitions,
        bytes,
        imageLimits);
  }

  public IngestConfig withImageLimits(ImageLimits limits) {
    return new IngestConfig(
        domain,
        split,
        sources,
        labels,
        skipNonImages,
        producerId,
        compression,
        partitions,
        maxBatchBytes,
        limits);
  }

  public IngestConfig withSkipNonImages(boolean skip) {
    return new IngestConfig(
        domain,
        split,
        sources,
        labels,
        skip,
        producerId,
        compression,
        partitions,
        maxBatchBytes,
        imageLimits);
  }
}
