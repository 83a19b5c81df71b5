package org.hptstream.moco;

import ai.djl.ndarray.NDArray;

/**
 * MoCo's InfoNCE loss: cross-entropy over logits {@code [q.k+, q.queue^T] / T} with the positive at
 * index 0, averaged over the batch.
 */
public final class InfoNce {
  private InfoNce() {}

  /**
   * @param q normalised query features [B, dim] (with gradient)
   * @param k normalised key features [B, dim] (no gradient)
   * @param queue negative keys [K, dim]
   * @return scalar loss owned by q's manager
   */
  public static NDArray loss(NDArray q, NDArray k, NDArray queue, double temperature) {
    NDArray pos = q.mul(k).sum(new int[] {1}, true);
    NDArray neg = q.matMul(queue.transpose());
    NDArray logits = pos.concat(neg, 1).div((float) temperature);
    return logits.logSoftmax(1).get(":, 0").neg().mean();
  }
}
