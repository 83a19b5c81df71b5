package org.hptstream.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Random;
import org.hptstream.data.ChannelStats;

/**
 * MoCo's two independent views of each image (query view, key view). All draws of one call come
 * from one {@link Random}: first the query view of every image in order, then the key view.
 */
public final class TwoViewAugmenter {
  private final BatchAugmenter augmenter;

  public TwoViewAugmenter(AugmentConfig config, ChannelStats norm) {
    this.augmenter = new BatchAugmenter(config, norm);
  }

  public AugmentConfig config() {
    return augmenter.config();
  }

  /** Two views of the batch drawn from the stream (seed, step). */
  public NDList views(NDArray images, long seed, long step) {
    return views(images, AugmentRandom.forStep(seed, step, AugmentRandom.STREAM_AUGMENT));
  }

  /** Two views of the batch: [query view, key view], each float [B,3,S,S]. */
  public NDList views(NDArray images, Random rng) {
    NDArray q = augmenter.apply(images, rng);
    NDArray k = augmenter.apply(images, rng);
    return new NDList(q, k);
  }
}
