package org.hptstream.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Objects;
import org.hptstream.data.ImageSet;

/**
 * Pooled features of a frozen backbone: batched forward passes in eval mode (BatchNorm uses its
 * stored statistics; no gradient is recorded), inputs made by an {@link InputPipeline} with the
 * checkpoint's own normalisation and the eval transform.
 */
public final class FeatureExtractor {
  private final Block backbone;
  private final InputPipeline pipeline;
  private final ImageTransform evalTransform;
  private final int batchSize;

  /**
   * @param backbone a block whose output is the pooled features (any shape {@code [B, ...]})
   * @param evalTransform the deterministic eval transform (resize + center crop + normalise)
   */
  public FeatureExtractor(
      Block backbone, InputPipeline pipeline, ImageTransform evalTransform, int batchSize) {
    this.backbone = Objects.requireNonNull(backbone, "backbone");
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.evalTransform = Objects.requireNonNull(evalTransform, "evalTransform");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  public InputPipeline pipeline() {
    return pipeline;
  }

  /** Pooled features {@code [B, D]} of a normalised input batch: eval-mode BN. */
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
          NDArray f = forward(pipeline.batch(images, from, to, step, evalTransform, null), store);
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
