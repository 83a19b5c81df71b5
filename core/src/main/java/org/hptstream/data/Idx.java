package org.hptstream.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Reader of the IDX format (MNIST, Fashion-MNIST), plain or gzip-compressed (detected by content,
 * not by name). Only unsigned-byte data is accepted: 3-d arrays are grey images, 1-d arrays labels.
 *
 * <p>The header is not trusted: each image's size is checked against {@link ImageLimits}, and the
 * data is read in chunks that grow with what the file really holds, so a header alone that promises
 * gigabytes allocates nothing before the data is there.
 */
public final class Idx {
  private static final int UBYTE = 0x08;

  private Idx() {}

  /** True when the file starts like an IDX file (after gunzip where compressed). */
  public static boolean looksLikeIdx(Path file) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      return (magic >>> 16) == 0
          && ((magic >>> 8) & 0xff) == UBYTE
          && (magic & 0xff) >= 1
          && (magic & 0xff) <= 4;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Reads images and, when {@code labelsFile} is non-null, their labels.
   *
   * @throws InvalidImageDataException on a malformed or truncated file, or a label count mismatch
   */
  public static ImageSet read(Path imagesFile, Path labelsFile) throws IOException {
    return read(imagesFile, labelsFile, ImageLimits.DEFAULT);
  }

  /**
   * Reads images and, when {@code labelsFile} is non-null, their labels; each image's {@code rows x
   * columns} must be within {@code limits}.
   *
   * @throws InvalidImageDataException on a malformed or truncated file, a label count mismatch or
   *     images larger than the limits
   */
  public static ImageSet read(Path imagesFile, Path labelsFile, ImageLimits limits)
      throws IOException {
    try (DataInputStream in = open(imagesFile)) {
      String src = imagesFile.toString();
      int[] dims = header(in, src, 3);
      limits.check(dims[2], dims[1], src);
      long bytes = (long) dims[0] * dims[1] * dims[2];
      if (bytes > Integer.MAX_VALUE - 8) {
        throw new InvalidImageDataException(
            src, "too large for one in-memory set: " + bytes + " bytes");
      }
      byte[] pixels = readFully(in, (int) bytes, src);
      int[] labels = labelsFile == null ? null : readLabels(labelsFile);
      if (labels != null && labels.length != dims[0]) {
        throw new InvalidImageDataException(
            labelsFile.toString(),
            "has " + labels.length + " labels but " + imagesFile + " has " + dims[0] + " images");
      }
      return ImageSet.of(pixels, dims[0], 1, dims[1], dims[2], labels);
    }
  }

  /** Reads a 1-d unsigned-byte label file. */
  public static int[] readLabels(Path labelsFile) throws IOException {
    try (DataInputStream in = open(labelsFile)) {
      String src = labelsFile.toString();
      int[] dims = header(in, src, 1);
      byte[] raw = readFully(in, dims[0], src);
      int[] labels = new int[raw.length];
      for (int i = 0; i < raw.length; i++) {
        labels[i] = raw[i] & 0xff;
      }
      return labels;
    }
  }

  /**
   * Writes a grey image set as gzip-compressed IDX files (images, and labels when {@code
   * labelsFile} is non-null), e.g. to hand a subset of a dataset to {@code hpt ingest}.
   */
  public static void write(ImageSet set, Path imagesFile, Path labelsFile) throws IOException {
    if (set.channels() != 1) {
      throw new IllegalArgumentException(
          "IDX holds grey images; this set has " + set.channels() + " channels");
    }
    try (DataOutputStream out =
        new DataOutputStream(
            new BufferedOutputStream(
                new GZIPOutputStream(Files.newOutputStream(imagesFile), 1 << 16), 1 << 16))) {
      out.writeInt((UBYTE << 8) | 3);
      out.writeInt(set.size());
      out.writeInt(set.height());
      out.writeInt(set.width());
      out.write(set.pixels());
    }
    if (labelsFile != null) {
      try (DataOutputStream out =
          new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(labelsFile)))) {
        out.writeInt((UBYTE << 8) | 1);
        out.writeInt(set.size());
        for (int l : set.labels()) {
          if (l > 255) {
            throw new IllegalArgumentException(
                "IDX labels are bytes; label " + l + " does not fit");
          }
          out.writeByte(l);
        }
      }
    }
  }

  private static int[] header(DataInputStream in, String src, int wantDims) throws IOException {
    int magic;
    try {
      magic = in.readInt();
    } catch (EOFException e) {
      throw new InvalidImageDataException(src, "empty or truncated IDX header");
    }
    if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != UBYTE) {
      throw new InvalidImageDataException(
          src, String.format("not an unsigned-byte IDX file (magic 0x%08x)", magic));
    }
    int nd = magic & 0xff;
    if (nd != wantDims) {
      throw new InvalidImageDataException(
          src,
          "expected a "
              + wantDims
              + "-d IDX array ("
              + (wantDims == 3 ? "images" : "labels")
              + "), found "
              + nd
              + "-d");
    }
    int[] dims = new int[nd];
    for (int i = 0; i < nd; i++) {
      try {
        dims[i] = in.readInt();
      } catch (EOFException e) {
        throw new InvalidImageDataException(src, "truncated IDX header");
      }
      if (dims[i] < 0 || (i > 0 && dims[i] == 0)) {
        throw new InvalidImageDataException(src, "invalid dimension " + dims[i]);
      }
    }
    return dims;
  }

  private static byte[] readFully(DataInputStream in, int n, String src) throws IOException {
    // readNBytes grows its buffers as data arrives instead of trusting n up front.
    byte[] out = in.readNBytes(n);
    if (out.length < n) {
      throw new InvalidImageDataException(
          src, "truncated: header promises " + n + " data bytes, file holds " + out.length);
    }
    if (in.read() != -1) {
      throw new InvalidImageDataException(
          src, "has trailing bytes after the " + n + " the header promises");
    }
    return out;
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    InputStream in =
        (b0 == 0x1f && b1 == 0x8b)
            ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16)
            : raw;
    return new DataInputStream(in);
  }
}
