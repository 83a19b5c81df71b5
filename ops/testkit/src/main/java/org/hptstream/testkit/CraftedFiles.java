package org.hptstream.testkit;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Hostile inputs for tests and fuzz seeds: files that are a few hundred bytes on disk but whose
 * headers declare pictures or arrays of gigabytes. Each is otherwise well formed, so a reader that
 * trusts the header allocates what it declares.
 */
public final class CraftedFiles {
  private CraftedFiles() {}

  /** A valid grey PNG header declaring {@code width x height}, with a tiny data stream. */
  public static byte[] png(int width, int height) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      ByteBuffer ihdr = ByteBuffer.allocate(13);
      ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0);
      ihdr.put((byte) 0).put((byte) 0);
      chunk(out, "IHDR", ihdr.array());
      Deflater z = new Deflater();
      z.setInput(new byte[64]);
      z.finish();
      byte[] idat = new byte[128];
      int n = z.deflate(idat);
      z.end();
      chunk(out, "IDAT", java.util.Arrays.copyOf(idat, n));
      chunk(out, "IEND", new byte[0]);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A real 8x8 grey JPEG whose frame header (SOF0) is patched to declare {@code width x height}.
   */
  public static byte[] jpeg(int width, int height) {
    if (width > 0xffff || height > 0xffff) {
      throw new IllegalArgumentException("JPEG dimensions are 16-bit");
    }
    byte[] b = encode(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "jpg");
    for (int i = 2; i + 8 < b.length; i++) {
      if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xc0) {
        b[i + 5] = (byte) (height >> 8);
        b[i + 6] = (byte) height;
        b[i + 7] = (byte) (width >> 8);
        b[i + 8] = (byte) width;
        return b;
      }
    }
    throw new IllegalStateException("no SOF0 marker in the JDK's JPEG");
  }

  /** A small valid image, {@code png} or {@code jpg}. */
  public static byte[] image(int width, int height, String format) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, (x * 31 + y * 17) * 0x010203);
      }
    }
    return encode(img, format);
  }

  /**
   * An IDX image file header (unsigned bytes, 3-d) declaring {@code count x rows x cols}, followed
   * by {@code dataBytes} zero bytes; gzip-compressed when {@code gzip}.
   */
  public static byte[] idxImages(int count, int rows, int cols, int dataBytes, boolean gzip) {
    return idx(new int[] {count, rows, cols}, dataBytes, gzip);
  }

  /** An IDX label file header declaring {@code count} labels followed by {@code dataBytes}. */
  public static byte[] idxLabels(int count, int dataBytes, boolean gzip) {
    return idx(new int[] {count}, dataBytes, gzip);
  }

  private static byte[] idx(int[] dims, int dataBytes, boolean gzip) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out =
          new DataOutputStream(gzip ? new GZIPOutputStream(bytes) : bytes)) {
        out.writeInt((0x08 << 8) | dims.length);
        for (int d : dims) {
          out.writeInt(d);
        }
        out.write(new byte[dataBytes]);
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An npz (zip of {@code .npy}) with one array {@code name} whose header declares {@code descr}
   * (e.g. {@code <f4}) and {@code shape} (numpy tuple text, e.g. {@code 100000, 100000}), followed
   * by {@code dataBytes} zero bytes.
   */
  public static byte[] npz(String name, String descr, String shape, int dataBytes) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        zip.write(npy(descr, shape, dataBytes));
        zip.closeEntry();
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One {@code .npy} array: magic, version 1.0, padded header, {@code dataBytes} zero bytes. */
  public static byte[] npy(String descr, String shape, int dataBytes) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
    int total = 10 + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer out =
        ByteBuffer.allocate(10 + header.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.putShort((short) header.length());
    out.put(header.getBytes(StandardCharsets.US_ASCII));
    return out.array();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data)
      throws IOException {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.write(ByteBuffer.allocate(4).putInt(data.length).array());
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private static byte[] encode(BufferedImage img, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
