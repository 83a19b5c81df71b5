package org.hptstream.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Random;
import org.hptstream.data.ImageSet;

/**
 * Turns stored uint8 images into a backbone's input: an {@link ImageTransform} (which normalises
 * with the checkpoint's own statistics), then the channels matched to the backbone's (grey repeated
 * to RGB; core's transforms always give RGB, of which a grey backbone takes the first channel, the
 * three being equal for grey images).
 */
public final class InputPipeline {
  private final int channels;

  /**
   * @param channels channels the backbone expects
   */
  public InputPipeline(int channels) {
    this.channels = channels;
  }

  public int channels() {
    return channels;
  }

  /** Images {@code [from, to)} as backbone input, owned by {@code manager}. */
  public NDArray batch(
      ImageSet images, int from, int to, NDManager manager, ImageTransform transform, Random rng) {
    return fit(transform.apply(images.toNDArray(manager, from, to), rng));
  }

  /** The images at {@code indices} as backbone input, owned by {@code manager}. */
  public NDArray batch(
      ImageSet images, int[] indices, NDManager manager, ImageTransform transform, Random rng) {
    return fit(transform.apply(images.toNDArray(manager, indices), rng));
  }

  private NDArray fit(NDArray x) {
    long c = x.getShape().get(1);
    if (c == channels) {
      return x;
    }
    if (c == 1) {
      return x.repeat(1, channels);
    }
    if (channels == 1) {
      return x.get(new NDIndex(":, 0:1"));
    }
    throw new IllegalArgumentException(
        "images have " + c + " channels, the backbone expects " + channels);
  }
}
