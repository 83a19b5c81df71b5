package org.hptstream.data;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Two image domains cut from Fashion-MNIST by class, so the demo (and the benchmarks and tests that
 * measure what it shows) have a real domain shift between the base and the target: clothing
 * (T-shirt, trouser, pullover, dress, coat, shirt) for the base model, footwear and bags (sandal,
 * sneaker, bag, ankle boot) as the new domain an HPT update adapts to. Target labels are re-indexed
 * 0..3.
 */
public final class FashionMnistDomains {
  static final int[] BASE_CLASSES = {0, 1, 2, 3, 4, 6};
  static final int[] TARGET_CLASSES = {5, 7, 8, 9};

  public record Target(ImageSet unlabeled, ImageSet train, ImageSet test) {}

  private FashionMnistDomains() {}

  /** Up to {@code n} unlabeled base-domain images from the train split. */
  public static ImageSet base(ImageSet train, int n, long seed) {
    return pick(train, BASE_CLASSES, 0, n, seed).withoutLabels();
  }

  /**
   * Target domain: {@code n} unlabeled images and {@code nTrain} labelled ones (disjoint) from the
   * train split, and {@code nTest} labelled ones from the test split.
   */
  public static Target target(
      ImageSet train, ImageSet test, int n, int nTrain, int nTest, long seed) {
    ImageSet unlabeled = pick(train, TARGET_CLASSES, 0, n, seed).withoutLabels();
    ImageSet labelled = relabel(pick(train, TARGET_CLASSES, n, nTrain, seed));
    return new Target(unlabeled, labelled, relabel(pick(test, TARGET_CLASSES, 0, nTest, seed)));
  }

  /**
   * Images {@code [skip, skip+n)} of a seeded shuffle of the images whose label is in {@code
   * classes}.
   */
  private static ImageSet pick(ImageSet set, int[] classes, int skip, int n, long seed) {
    int[] idx =
        IntStream.range(0, set.size()).filter(i -> contains(classes, set.label(i))).toArray();
    Random r = new Random(seed);
    for (int i = idx.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    if (skip + n > idx.length) {
      throw new IllegalArgumentException(
          "asked for "
              + (skip + n)
              + " images of classes "
              + Arrays.toString(classes)
              + ", only "
              + idx.length
              + " exist");
    }
    return set.select(Arrays.copyOfRange(idx, skip, skip + n));
  }

  private static ImageSet relabel(ImageSet set) {
    int[] labels = set.labels();
    for (int i = 0; i < labels.length; i++) {
      int l = labels[i];
      labels[i] =
          IntStream.range(0, TARGET_CLASSES.length)
              .filter(k -> TARGET_CLASSES[k] == l)
              .findFirst()
              .orElseThrow();
    }
    return ImageSet.of(set.pixels(), set.size(), set.channels(), set.height(), set.width(), labels);
  }

  private static boolean contains(int[] a, int v) {
    for (int x : a) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }
}
