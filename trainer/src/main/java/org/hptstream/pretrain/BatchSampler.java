package org.hptstream.pretrain;

import java.util.Random;
import org.hptstream.augment.AugmentRandom;

/**
 * Which images form the batch of a step: epochs of random permutations, each drawn from (seed,
 * epoch), read in order; a batch may span two epochs. Any step's batch is computable without
 * replaying earlier steps, so a resumed job samples exactly what an uninterrupted one would.
 */
public final class BatchSampler {
  private final int datasetSize;
  private final int batchSize;
  private final long seed;
  private long cachedEpoch = -1;
  private int[] cachedPerm;

  public BatchSampler(int datasetSize, int batchSize, long seed) {
    if (datasetSize < 1) throw new IllegalArgumentException("empty data set");
    this.datasetSize = datasetSize;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  /** Indices of the images of step {@code step} (0-based). */
  public int[] batch(long step) {
    int[] out = new int[batchSize];
    long pos = step * batchSize;
    for (int i = 0; i < batchSize; i++, pos++) {
      out[i] = permutation(pos / datasetSize)[(int) (pos % datasetSize)];
    }
    return out;
  }

  private int[] permutation(long epoch) {
    if (epoch != cachedEpoch) {
      Random rng = AugmentRandom.forStep(seed, epoch, AugmentRandom.STREAM_SAMPLING);
      int[] p = new int[datasetSize];
      for (int i = 0; i < p.length; i++) p[i] = i;
      for (int i = p.length - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      cachedPerm = p;
      cachedEpoch = epoch;
    }
    return cachedPerm;
  }
}
