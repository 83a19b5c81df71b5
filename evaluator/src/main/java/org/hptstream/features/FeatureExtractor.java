package org.hptstream.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.hptstream.data.ChannelStats;
import org.hptstream.data.ImageSet;

/**
 * Pooled features of a frozen backbone: batched forward passes in eval mode (BatchNorm uses its
 * stored statistics, no gradients), with the checkpoint's own normalisation.
 *
 * <p>Per batch: uint8 pixels to [0, 1] floats, the eval transform (e.g. resize + center crop), grey
 * repeated to the backbone's channels, {@code (x - mean) / std}, forward, flattened to {@code [B, D]}.
 */
public final class FeatureExtractor {
  private final Block backbone;
  private final ChannelStats normalization;
  private final int inputChannels;
  private final UnaryOperator<NDArray> evalTransform;
  private final int batchSize;

  /**
   * @param backbone a block whose output is the pooled features (any shape {@code [B, ...]})
   * @param normalization the per-channel mean/std the backbone was trained with
   * @param inputChannels channels the backbone expects (grey images are repeated up to it)
   * @param evalTransform applied to float {@code [B, C, H, W]} in [0, 1] before normalising;
   *     {@link UnaryOperator#identity()} where the images already have the backbone's input size
   */
  public FeatureExtractor(
      Block backbone, ChannelStats normalization, int inputChannels, UnaryOperator<NDArray> evalTransform, int batchSize) {
    this.backbone = Objects.requireNonNull(backbone, "backbone");
    this.normalization = normalization.expandTo(inputChannels);
    this.inputChannels = inputChannels;
    this.evalTransform = Objects.requireNonNull(evalTransform, "evalTransform");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /**
   * Normalised backbone input for images {@code [from, to)}: float {@code [B, inputChannels, H', W']}
   * owned by {@code manager}. Shared with protocols that run the backbone themselves.
   */
  public NDArray input(ImageSet images, int[] indices, NDManager manager, UnaryOperator<NDArray> transform) {
    NDArray x = images.toNDArray(manager, indices).toType(DataType.FLOAT32, false).divi(255f);
    return normalize(transform.apply(x));
  }

  /** {@code (x - mean) / std} per channel, after repeating grey channels up to the backbone's. */
  public NDArray normalize(NDArray x) {
    long c = x.getShape().get(1);
    if (c != inputChannels) {
      if (c != 1) {
        throw new IllegalArgumentException(
            "images have " + c + " channels, the backbone expects " + inputChannels);
      }
      x = x.repeat(1, inputChannels);
    }
    NDManager m = x.getManager();
    NDArray mean = m.create(normalization.mean(), new Shape(1, inputChannels, 1, 1));
    NDArray std = m.create(normalization.std(), new Shape(1, inputChannels, 1, 1));
    return x.sub(mean).divi(std);
  }

  /** Pooled features {@code [B, D]} of a normalised input batch, eval mode, no gradients. */
  public NDArray forward(NDArray input, ParameterStore store) {
    NDArray out = backbone.forward(store, new NDList(input), false).singletonOrThrow();
    return out.reshape(out.getShape().get(0), -1);
  }

  /** Extracts the features of every image, keeping its labels. */
  public Features extract(ImageSet images, NDManager manager) {
    if (images.size() == 0) {
      throw new IllegalArgumentException("no images to extract features from");
    }
    float[] values = null;
    int dim = -1;
    try (NDManager m = manager.newSubManager()) {
      ParameterStore store = new ParameterStore(m, false);
      for (int from = 0; from < images.size(); from += batchSize) {
        int to = Math.min(images.size(), from + batchSize);
        try (NDManager step = m.newSubManager()) {
          NDArray x = images.toNDArray(step, from, to).toType(DataType.FLOAT32, false).divi(255f);
          NDArray f = forward(normalize(evalTransform.apply(x)), store);
          float[] batch = f.toType(DataType.FLOAT32, false).toFloatArray();
          if (values == null) {
            dim = batch.length / (to - from);
            values = new float[Math.multiplyExact(images.size(), dim)];
          }
          System.arraycopy(batch, 0, values, from * dim, batch.length);
        }
      }
    }
    return Features.of(values, images.size(), dim, images.hasLabels() ? images.labels() : null);
  }
}
