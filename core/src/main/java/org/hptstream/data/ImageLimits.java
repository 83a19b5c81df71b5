package org.hptstream.data;

/**
 * The one bound on how large an image may be before anything decodes it. Checked from the header
 * (PNG/JPEG dimensions, IDX shape) so a small file that declares a huge picture is refused before a
 * pixel buffer is allocated. Used by ingest and by every consumer of image topics.
 *
 * @param maxPixels the largest {@code width * height} accepted
 */
public record ImageLimits(long maxPixels) {
  /**
   * 40 megapixels: far above the 224 px the paper trains at, far below what could exhaust a heap.
   */
  public static final ImageLimits DEFAULT = new ImageLimits(40_000_000L);

  public ImageLimits {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be positive: " + maxPixels);
    }
  }

  /** Throws when {@code width x height} is empty or exceeds the cap. */
  public void check(long width, long height, String source) throws InvalidImageDataException {
    if (width <= 0 || height <= 0) {
      throw new InvalidImageDataException(source, "empty image: " + width + "x" + height);
    }
    if (width * height > maxPixels) {
      throw new InvalidImageDataException(
          source,
          "image declares "
              + width
              + "x"
              + height
              + " pixels, more than the limit of "
              + maxPixels
              + " (refused before decoding)");
    }
  }
}
