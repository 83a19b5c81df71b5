package org.hptstream.model;

/**
 * Bounds on what an {@code .npz} file may make a reader allocate, checked from each array's header
 * and the bytes really present before anything is decoded (see {@link Npz}).
 *
 * @param maxArrayBytes largest single array, in bytes
 * @param maxTotalBytes largest sum of all arrays of one file, in bytes
 * @param maxArrays most arrays in one file
 */
public record NpzLimits(long maxArrayBytes, long maxTotalBytes, int maxArrays) {
  /**
   * 1 GiB per array, 8 GiB per file, 100,000 arrays: a ResNet-152 with MoCo's key encoder, queue
   * and optimiser state is well under 2 GiB; its largest array (a 65,536 x 128 queue) is 32 MiB.
   */
  public static final NpzLimits DEFAULT = new NpzLimits(1L << 30, 8L << 30, 100_000);

  /** Checks the bounds are positive. */
  public NpzLimits {
    if (maxArrayBytes <= 0 || maxTotalBytes <= 0 || maxArrays <= 0) {
      throw new IllegalArgumentException(
          "npz limits must be positive: "
              + maxArrayBytes
              + ", "
              + maxTotalBytes
              + ", "
              + maxArrays);
    }
  }
}
