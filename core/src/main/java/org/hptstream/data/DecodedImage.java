package org.hptstream.data;

/** One decoded 8-bit image in CHW order; {@code channels} is 1 (grey) or 3 (RGB). */
public record DecodedImage(int channels, int height, int width, byte[] pixels, ImageFormat format) {
  public DecodedImage {
    if ((long) channels * height * width != pixels.length) {
      throw new IllegalArgumentException(
          "pixel count does not match " + channels + "x" + height + "x" + width);
    }
  }
}
