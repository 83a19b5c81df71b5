package org.hptstream.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes and validates PNG/JPEG bytes with the JDK's ImageIO (no native codec to ship).
 *
 * <p>ImageIO quietly returns a partly grey picture for a JPEG cut short, so a JPEG must also end
 * with its end-of-image marker; a PNG cut short fails inside ImageIO.
 */
public final class ImageDecoder {
  private ImageDecoder() {}

  /** {@link #decode(byte[], String, ImageLimits)} with {@link ImageLimits#DEFAULT}. */
  public static DecodedImage decode(byte[] encoded, String source)
      throws InvalidImageDataException {
    return decode(encoded, source, ImageLimits.DEFAULT);
  }

  /**
   * Decodes to 1 channel when the image is grey, else 3 (alpha is dropped). The dimensions are read
   * from the header and checked against {@code limits} before any pixel is decoded.
   */
  public static DecodedImage decode(byte[] encoded, String source, ImageLimits limits)
      throws InvalidImageDataException {
    ImageFormat format = ImageFormat.sniff(encoded);
    if (format == null) {
      throw new InvalidImageDataException(source, "not a PNG or JPEG image");
    }
    if (format == ImageFormat.JPEG && !endsWithEoi(encoded)) {
      throw new InvalidImageDataException(
          source, "corrupt JPEG: truncated (no end-of-image marker)");
    }
    BufferedImage img;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
      var readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new InvalidImageDataException(
            source, "corrupt " + format + ": no decoder accepts it");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        limits.check(reader.getWidth(0), reader.getHeight(0), source);
        img = reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (InvalidImageDataException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new InvalidImageDataException(source, "corrupt " + format + ": " + e.getMessage(), e);
    }
    if (img == null || img.getWidth() <= 0 || img.getHeight() <= 0) {
      throw new InvalidImageDataException(source, "corrupt " + format + ": empty image");
    }
    return toDecoded(img, format);
  }

  /** Header-only dimensions check without decoding pixels: {width, height}. */
  public static int[] dimensions(byte[] encoded, String source) throws InvalidImageDataException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
      var readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new InvalidImageDataException(source, "not a PNG or JPEG image");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return new int[] {reader.getWidth(0), reader.getHeight(0)};
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      throw new InvalidImageDataException(source, "unreadable image header: " + e.getMessage(), e);
    }
  }

  /**
   * Bilinear resize of a decoded image to {@code height x width} (returns it unchanged if equal).
   */
  public static DecodedImage resize(DecodedImage image, int height, int width) {
    if (image.height() == height && image.width() == width) {
      return image;
    }
    BufferedImage src = toBuffered(image);
    BufferedImage dst = new BufferedImage(width, height, src.getType());
    Graphics2D g = dst.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(src, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return toDecoded(dst, image.format());
  }

  /** The same image with 3 channels (grey repeated); RGB images are returned unchanged. */
  public static DecodedImage toRgb(DecodedImage image) {
    if (image.channels() == 3) {
      return image;
    }
    int plane = image.height() * image.width();
    byte[] out = new byte[3 * plane];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(image.pixels(), 0, out, c * plane, plane);
    }
    return new DecodedImage(3, image.height(), image.width(), out, image.format());
  }

  private static boolean endsWithEoi(byte[] b) {
    int end = b.length;
    while (end > 2 && b[end - 1] == 0) {
      end--; // some writers pad after EOI
    }
    return end >= 4 && (b[end - 2] & 0xff) == 0xff && (b[end - 1] & 0xff) == 0xd9;
  }

  private static DecodedImage toDecoded(BufferedImage img, ImageFormat format) {
    int w = img.getWidth();
    int h = img.getHeight();
    int plane = w * h;
    boolean grey = img.getColorModel().getNumColorComponents() == 1;
    if (grey && img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      Raster r = img.getRaster();
      byte[] out = new byte[plane];
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        r.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          out[y * w + x] = (byte) row[x];
        }
      }
      return new DecodedImage(1, h, w, out, format);
    }
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    if (grey) {
      byte[] out = new byte[plane];
      for (int i = 0; i < plane; i++) {
        out[i] = (byte) (argb[i] & 0xff);
      }
      return new DecodedImage(1, h, w, out, format);
    }
    byte[] out = new byte[3 * plane];
    for (int i = 0; i < plane; i++) {
      int p = argb[i];
      out[i] = (byte) (p >> 16);
      out[plane + i] = (byte) (p >> 8);
      out[2 * plane + i] = (byte) p;
    }
    return new DecodedImage(3, h, w, out, format);
  }

  private static BufferedImage toBuffered(DecodedImage image) {
    int w = image.width();
    int h = image.height();
    int plane = w * h;
    byte[] px = image.pixels();
    if (image.channels() == 1) {
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
      img.getRaster().setDataElements(0, 0, w, h, px);
      return img;
    }
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] rgb = new int[plane];
    for (int i = 0; i < plane; i++) {
      rgb[i] = ((px[i] & 0xff) << 16) | ((px[plane + i] & 0xff) << 8) | (px[2 * plane + i] & 0xff);
    }
    img.setRGB(0, 0, w, h, rgb, 0, w);
    return img;
  }
}
