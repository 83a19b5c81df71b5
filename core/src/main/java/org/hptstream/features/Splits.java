package org.hptstream.features;

import java.util.Random;

/** Seeded index splits: the validation hold-out a probe selects its learning rate on. */
public final class Splits {
  private Splits() {}

  /**
   * Two disjoint index sets: {@code first} (the hold-out) and {@code rest}, both in random order.
   */
  public record Split(int[] first, int[] rest) {}

  /**
   * Holds out {@code round(fraction * size)} random indices (at least 1, leaving at least 1).
   *
   * @throws IllegalArgumentException if {@code size < 2} or the fraction is not in (0, 1)
   */
  public static Split holdOut(int size, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("hold-out fraction must be in (0, 1), got " + fraction);
    }
    if (size < 2) {
      throw new IllegalArgumentException(
          "need at least 2 labelled examples to hold out a validation split, got " + size);
    }
    int k = (int) Math.min(size - 1, Math.max(1, Math.round(fraction * size)));
    int[] perm = permutation(size, new Random(seed));
    int[] first = new int[k];
    int[] rest = new int[size - k];
    System.arraycopy(perm, 0, first, 0, k);
    System.arraycopy(perm, k, rest, 0, size - k);
    return new Split(first, rest);
  }

  /** A uniformly random permutation of {@code 0..n-1} (Fisher-Yates). */
  public static int[] permutation(int n, Random rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
