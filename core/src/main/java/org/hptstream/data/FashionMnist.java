package org.hptstream.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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

  /**
   * The 60k labelled training images (read once per JVM and location; an ImageSet is immutable).
   */
  public static ImageSet train() throws IOException {
    return cached(trainImages(), trainLabels());
  }

  /** The 10k labelled test images (read once per JVM and location). */
  public static ImageSet test() throws IOException {
    return cached(testImages(), testLabels());
  }

  private static final Map<Path, ImageSet> CACHE = new HashMap<>();

  private static synchronized ImageSet cached(Path images, Path labels) throws IOException {
    ImageSet set = CACHE.get(images);
    if (set == null) {
      set = Idx.read(require(images), require(labels));
      CACHE.put(images, set);
    }
    return set;
  }

  private static Path require(Path p) throws IOException {
    if (!Files.isRegularFile(p)) {
      throw new IOException(
          p
              + " not found: install Debian's dataset-fashion-mnist package "
              + "(apt-get install dataset-fashion-mnist) or set HPT_FASHION_MNIST");
    }
    return p;
  }
}
