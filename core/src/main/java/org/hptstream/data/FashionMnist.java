package org.hptstream.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Debian's {@code dataset-fashion-mnist} package: 60k train / 10k test 28x28 grey images, 10
 * classes. The real data our tests and the local demo use; the location can be overridden with the
 * {@code HPT_FASHION_MNIST} environment variable or {@code hpt.fashionMnist} system property.
 */
public final class FashionMnist {
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  public static final int CLASSES = 10;

  private FashionMnist() {}

  public static Path dir() {
    String p = System.getProperty("hpt.fashionMnist", System.getenv("HPT_FASHION_MNIST"));
    return p == null || p.isBlank() ? DEFAULT_DIR : Path.of(p);
  }

  public static Path trainImages() {
    return dir().resolve("train-images-idx3-ubyte.gz");
  }

  public static Path trainLabels() {
    return dir().resolve("train-labels-idx1-ubyte.gz");
  }

  public static Path testImages() {
    return dir().resolve("t10k-images-idx3-ubyte.gz");
  }

  public static Path testLabels() {
    return dir().resolve("t10k-labels-idx1-ubyte.gz");
  }

  /** The 60k labelled training images. */
  public static ImageSet train() throws IOException {
    return Idx.read(require(trainImages()), require(trainLabels()));
  }

  /** The 10k labelled test images. */
  public static ImageSet test() throws IOException {
    return Idx.read(require(testImages()), require(testLabels()));
  }

  private static Path require(Path p) throws IOException {
    if (!Files.isRegularFile(p)) {
      throw new IOException(p + " not found: install Debian's dataset-fashion-mnist package "
          + "(apt-get install dataset-fashion-mnist) or set HPT_FASHION_MNIST");
    }
    return p;
  }
}
