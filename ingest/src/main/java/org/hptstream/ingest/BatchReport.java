package org.hptstream.ingest;

/**
 * One batch record and what happened to it.
 *
 * @param index position in the run (0-based)
 * @param batchId content-derived batch id
 * @param images number of images
 * @param imageBytes image payload bytes (encoded files or raw pixels)
 * @param recordBytes serialized record value size (0 until acknowledged)
 * @param firstSource source of the first image
 * @param lastSource source of the last image
 * @param partition partition written, or -1 when not acknowledged
 * @param offset offset written, or -1 when not acknowledged
 */
public record BatchReport(
    int index,
    String batchId,
    int images,
    long imageBytes,
    int recordBytes,
    String firstSource,
    String lastSource,
    int partition,
    long offset) {

  BatchReport acknowledged(int partition, long offset, int recordBytes) {
    return new BatchReport(
        index,
        batchId,
        images,
        imageBytes,
        recordBytes,
        firstSource,
        lastSource,
        partition,
        offset);
  }

  /** {@code #3 (500 images: a/1.png .. a/500.png)}. */
  public String describe() {
    return "#"
        + index
        + " "
        + batchId.substring(0, 12)
        + " ("
        + images
        + " images: "
        + firstSource
        + (images > 1 ? " .. " + lastSource : "")
        + ")"
        + (offset >= 0 ? " at partition " + partition + " offset " + offset : "");
  }
}
