package org.hptstream.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Bounded reading of {@code .npz} files (a zip of numpy {@code .npy} arrays) into DJL arrays.
 *
 * <p>DJL's decoder allocates what each array's header declares before reading its data, so a
 * few-byte header declaring a huge shape would exhaust native memory. Every read here first streams
 * the whole file once, allocating nothing but a scratch buffer: each header must parse the way
 * DJL's decoder parses it, declare an array within {@link NpzLimits}, and be followed by exactly
 * the bytes it declares. Only then is the file decoded. A zip bomb stops at the limits.
 */
public final class Npz {
  /** How DJL's decoder reads an npy header; the same expression, so both see the same shape. */
  private static final Pattern HEADER =
      Pattern.compile("\\{'descr': '(.+)', 'fortran_order': False, 'shape': \\((.*)\\),");

  private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int MAX_HEADER_BYTES = 65_536;

  private Npz() {}

  /**
   * Reads all arrays of an npz file, named by their keys, into {@code manager}.
   *
   * @throws IOException naming the file and what is wrong, when it is unreadable, malformed or
   *     beyond the limits
   */
  public static NDList read(Path file, NDManager manager, NpzLimits limits) throws IOException {
    String source = file.toString();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      check(in, limits, source);
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return decodeChecked(in, manager, source);
    }
  }

  /** {@link #read(Path, NDManager, NpzLimits)} for bytes already in memory. */
  public static NDList decode(byte[] npz, NDManager manager, NpzLimits limits, String source)
      throws IOException {
    check(new ByteArrayInputStream(npz), limits, source);
    return decodeChecked(new ByteArrayInputStream(npz), manager, source);
  }

  /**
   * Streams an npz once and checks every array against {@code limits} without decoding it.
   *
   * @return the number of arrays
   * @throws IOException naming {@code source} and the problem
   */
  public static int check(InputStream in, NpzLimits limits, String source) throws IOException {
    byte[] head = in.readNBytes(4);
    if (head.length < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
      throw new IOException(source + ": not an npz file (no zip header)");
    }
    ZipInputStream zip =
        new ZipInputStream(new java.io.SequenceInputStream(new ByteArrayInputStream(head), in));
    byte[] scratch = new byte[1 << 16];
    long total = 0;
    int arrays = 0;
    try {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (++arrays > limits.maxArrays()) {
          throw new IOException(source + ": more than " + limits.maxArrays() + " arrays");
        }
        String name = e.getName();
        long declared = declaredBytes(new DataInputStream(zip), source + "[" + name + "]");
        if (declared > limits.maxArrayBytes()) {
          throw new IOException(
              source
                  + "["
                  + name
                  + "]: array of "
                  + declared
                  + " bytes, more than the limit of "
                  + limits.maxArrayBytes());
        }
        total += declared;
        if (total > limits.maxTotalBytes()) {
          throw new IOException(
              source + ": arrays add up to more than the limit of " + limits.maxTotalBytes());
        }
        long present = 0;
        for (int n; present <= declared && (n = zip.read(scratch)) > 0; ) {
          present += n;
        }
        if (present != declared) {
          throw new IOException(
              source
                  + "["
                  + name
                  + "]: header declares "
                  + declared
                  + " data bytes, entry holds "
                  + (present > declared ? "more" : String.valueOf(present)));
        }
      }
    } catch (EOFException e) {
      throw new IOException(source + ": truncated", e);
    } catch (java.util.zip.ZipException | IllegalArgumentException e) {
      throw new IOException(source + ": corrupt npz: " + e.getMessage(), e);
    }
    if (arrays == 0) {
      throw new IOException(source + ": no arrays in file");
    }
    return arrays;
  }

  /** Parses one npy header and returns the data bytes it declares. */
  private static long declaredBytes(DataInputStream in, String source) throws IOException {
    byte[] magic = new byte[NPY_MAGIC.length];
    in.readFully(magic);
    if (!java.util.Arrays.equals(magic, NPY_MAGIC)) {
      throw new IOException(source + ": not a numpy array (bad magic)");
    }
    int major = in.readUnsignedByte();
    int minor = in.readUnsignedByte();
    if (major < 1 || major > 3 || minor != 0) {
      throw new IOException(source + ": unknown npy version " + major + "." + minor);
    }
    long headerLen;
    if (major == 1) {
      headerLen = in.readUnsignedByte() | (in.readUnsignedByte() << 8);
    } else {
      headerLen = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
    }
    if (headerLen > MAX_HEADER_BYTES) {
      throw new IOException(
          source + ": npy header of " + headerLen + " bytes (limit " + MAX_HEADER_BYTES + ")");
    }
    byte[] header = new byte[(int) headerLen];
    in.readFully(header);
    Matcher m = HEADER.matcher(new String(header, StandardCharsets.UTF_8).trim());
    if (!m.find()) {
      throw new IOException(source + ": unsupported npy header (C-order arrays only)");
    }
    int itemBytes;
    try {
      itemBytes = DataType.fromNumpy(m.group(1)).getNumOfBytes();
    } catch (RuntimeException e) {
      throw new IOException(source + ": unsupported dtype " + m.group(1));
    }
    if (itemBytes <= 0) {
      throw new IOException(source + ": unsupported dtype " + m.group(1));
    }
    long count = 1;
    String shape = m.group(2);
    try {
      if (!shape.isEmpty()) {
        for (String d : shape.split(", ?")) {
          long dim = Long.parseLong(d);
          if (dim < 0) {
            throw new IOException(source + ": negative dimension in shape (" + shape + ")");
          }
          count = Math.multiplyExact(count, dim);
        }
      }
      return Math.multiplyExact(count, (long) itemBytes);
    } catch (NumberFormatException e) {
      throw new IOException(source + ": bad shape (" + shape + ")");
    } catch (ArithmeticException e) {
      throw new IOException(source + ": shape (" + shape + ") overflows");
    }
  }

  private static NDList decodeChecked(InputStream in, NDManager manager, String source)
      throws IOException {
    try {
      return NDList.decode(manager, in);
    } catch (RuntimeException e) {
      throw new IOException(source + ": cannot decode: " + e.getMessage(), e);
    }
  }
}
