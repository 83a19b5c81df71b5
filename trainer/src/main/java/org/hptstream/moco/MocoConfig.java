package org.hptstream.moco;

/**
 * MoCo v2 hyper-parameters as the official configs use them.
 *
 * @param dim output dimension of the projection head (128)
 * @param queueSize number of negative keys K (65,536); must be a multiple of the batch size
 * @param momentum EMA coefficient m of the key encoder (0.999)
 * @param temperature InfoNCE temperature T (0.2)
 */
public record MocoConfig(int dim, int queueSize, double momentum, double temperature) {

  public MocoConfig {
    if (dim < 1) throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    if (queueSize < 1)
      throw new IllegalArgumentException("queueSize must be >= 1, got " + queueSize);
    if (!(momentum >= 0 && momentum < 1))
      throw new IllegalArgumentException("momentum must lie in [0,1), got " + momentum);
    if (!(temperature > 0))
      throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
  }

  /** The paper's values: dim 128, K 65,536, m 0.999, T 0.2. */
  public static MocoConfig paper() {
    return new MocoConfig(128, 65_536, 0.999, 0.2);
  }

  public MocoConfig withQueueSize(int k) {
    return new MocoConfig(dim, k, momentum, temperature);
  }

  /** Throws unless the ring buffer takes whole batches. */
  public void checkBatch(int batchSize) {
    if (batchSize < 1 || queueSize % batchSize != 0)
      throw new IllegalArgumentException(
          "queue size " + queueSize + " must be a multiple of the batch size " + batchSize);
  }
}
