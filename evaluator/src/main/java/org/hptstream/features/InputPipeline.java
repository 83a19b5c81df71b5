package org.hptstream.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;
import org.hptstream.data.ChannelStats;
import org.hptstream.data.ImageSet;

/**
 * Turns stored uint8 images into a backbone's input: [0, 1] floats, a transform (eval: resize +
 * center crop; train: augmentation), grey repeated to the backbone's channels, and the checkpoint's
 * own per-channel normalisation {@code (x - mean) / std}.
 */
public final class InputPipeline {
  private final ChannelStats normalization;
  private final int channels;

  /**
   * @param normalization the mean/std the backbone was trained with (a grey one is repeated to RGB)
   * @param channels channels the backbone expects
   */
  public InputPipeline(ChannelStats normalization, int channels) {
    this.normalization = normalization.expandTo(channels);
    this.channels = channels;
  }

  public ChannelStats normalization() {
    return normalization;
  }

  public int channels() {
    return channels;
  }

  /** Images {@code [from, to)} as normalised input, owned by {@code manager}. */
  public NDArray batch(ImageSet images, int from, int to, NDManager manager, UnaryOperator<NDArray> transform) {
    return finish(images.toNDArray(manager, from, to), transform);
  }

  /** The images at {@code indices} as normalised input, owned by {@code manager}. */
  public NDArray batch(ImageSet images, int[] indices, NDManager manager, UnaryOperator<NDArray> transform) {
    return finish(images.toNDArray(manager, indices), transform);
  }

  private NDArray finish(NDArray uint8, UnaryOperator<NDArray> transform) {
    NDArray x = transform.apply(uint8.toType(DataType.FLOAT32, false).divi(255f));
    long c = x.getShape().get(1);
    if (c != channels) {
      if (c != 1) {
        throw new IllegalArgumentException("images have " + c + " channels, the backbone expects " + channels);
      }
      x = x.repeat(1, channels);
    }
    NDManager m = x.getManager();
    NDArray mean = m.create(normalization.mean(), new Shape(1, channels, 1, 1));
    NDArray std = m.create(normalization.std(), new Shape(1, channels, 1, 1));
    return x.sub(mean).divi(std);
  }
}
