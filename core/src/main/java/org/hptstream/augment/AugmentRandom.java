package org.hptstream.augment;

import java.util.Random;

/**
 * Derives independent, reproducible random streams from (seed, step, stream). A job resumed at step
 * {@code s} draws exactly what an uninterrupted job drew at step {@code s}, whatever happened
 * before.
 */
public final class AugmentRandom {
  /**
   * Stream ids used by the trainer; distinct so that e.g. sampling and augmentation never
   * correlate.
   */
  public static final int STREAM_AUGMENT = 1;

  public static final int STREAM_SAMPLING = 2;
  public static final int STREAM_INIT = 3;

  private AugmentRandom() {}

  /** A fresh {@link Random} for the given coordinates. */
  public static Random forStep(long seed, long step, int stream) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L);
    h = mix(h ^ step * 0xBF58476D1CE4E5B9L);
    h = mix(h ^ stream * 0x94D049BB133111EBL);
    return new Random(h);
  }

  /** SplitMix64 finaliser: decorrelates nearby seeds and steps. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
