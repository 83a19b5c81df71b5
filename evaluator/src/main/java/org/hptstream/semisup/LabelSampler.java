package org.hptstream.semisup;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hptstream.features.Splits;

/**
 * Draws the labelled subset of the semi-supervised protocol: {@code n} random examples with every
 * class at least once (core/METHOD.md: 1,000 random labels, each class at least once).
 */
public final class LabelSampler {
  private LabelSampler() {}

  /**
   * Picks one random example of every class, then fills up to {@code n} uniformly from the rest.
   *
   * @param labels the pool's labels, all in {@code [0, numClasses)}
   * @return {@code n} distinct indices into {@code labels}, in random order
   * @throws IllegalArgumentException if {@code n} is smaller than the number of classes or larger
   *     than the pool, or a class has no example in the pool
   */
  public static int[] sample(int[] labels, int numClasses, int n, long seed) {
    if (n < numClasses) {
      throw new IllegalArgumentException(n + " labels cannot cover " + numClasses + " classes");
    }
    if (n > labels.length) {
      throw new IllegalArgumentException(n + " labels requested from a pool of " + labels.length);
    }
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " at index " + i + " out of range [0, " + numClasses + ")");
      }
      byClass.get(labels[i]).add(i);
    }
    Random rng = new Random(seed);
    boolean[] taken = new boolean[labels.length];
    int[] out = new int[n];
    int k = 0;
    for (int c = 0; c < numClasses; c++) {
      List<Integer> members = byClass.get(c);
      if (members.isEmpty()) {
        throw new IllegalArgumentException(
            "class " + c + " has no example in the pool of " + labels.length);
      }
      int pick = members.get(rng.nextInt(members.size()));
      taken[pick] = true;
      out[k++] = pick;
    }
    for (int i : Splits.permutation(labels.length, rng)) {
      if (k == n) {
        break;
      }
      if (!taken[i]) {
        taken[i] = true;
        out[k++] = i;
      }
    }
    // Shuffle so the one-per-class picks do not sit first.
    int[] order = Splits.permutation(n, rng);
    int[] shuffled = new int[n];
    for (int i = 0; i < n; i++) {
      shuffled[i] = out[order[i]];
    }
    return shuffled;
  }
}
