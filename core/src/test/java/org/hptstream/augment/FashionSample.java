package org.hptstream.augment;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The first images of the real Fashion-MNIST training set (Debian dataset-fashion-mnist). */
final class FashionSample {
  static final Path TRAIN = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");

  private FashionSample() {}

  /** {@code n} images as uint8 bytes, [n,1,28,28] row-major. */
  static byte[] first(int n) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(TRAIN));
        DataInputStream d = new DataInputStream(in)) {
      if (d.readInt() != 2051) throw new IOException("not an IDX image file: " + TRAIN);
      int count = d.readInt();
      int rows = d.readInt();
      int cols = d.readInt();
      if (n > count || rows != 28 || cols != 28) throw new IOException("unexpected IDX header");
      byte[] b = new byte[n * 28 * 28];
      d.readFully(b);
      return b;
    }
  }
}
