package org.hptstream.knn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.Objects;
import org.hptstream.features.Features;
import org.hptstream.stats.Accuracy;

/**
 * Weighted k-nearest-neighbour classification on cosine similarity: no training, one matmul per
 * chunk of test rows, cheap enough to run on every checkpoint.
 */
public final class KnnClassifier {
  private final KnnConfig config;
  private final NDManager manager;

  public KnnClassifier(KnnConfig config, NDManager manager) {
    this.config = Objects.requireNonNull(config, "config");
    this.manager = Objects.requireNonNull(manager, "manager");
  }

  /**
   * Classifies every test row by the weighted vote of its k most similar train rows.
   *
   * @param numClasses number of classes, or 0 to take {@code max(train label) + 1}
   * @throws IllegalArgumentException for an empty or unlabeled split, a label out of range, or
   *     different feature dimensions
   */
  public KnnResult evaluate(Features train, Features test, int numClasses) {
    if (train == null || train.size() == 0 || test == null || test.size() == 0) {
      throw new IllegalArgumentException("kNN needs non-empty train and test splits");
    }
    int classes = numClasses > 0 ? numClasses : train.maxLabelPlusOne();
    train.requireLabelsBelow(classes, "train");
    test.requireLabelsBelow(classes, "test");
    if (train.dim() != test.dim()) {
      throw new IllegalArgumentException(
          "train features have " + train.dim() + " dims, test features " + test.dim());
    }
    int k = Math.min(config.k(), train.size());
    int topK = classes > 5 ? 5 : 0;
    double hits1 = 0;
    double hitsK = 0;
    try (NDManager m = manager.newSubManager()) {
      NDArray bank = normalize(train.toNDArray(m)).transpose(); // [D, N]
      NDArray bankLabels = train.labelsNDArray(m);
      for (int from = 0; from < test.size(); from += config.chunk()) {
        int to = Math.min(test.size(), from + config.chunk());
        try (NDScope ignored = new NDScope()) {
          NDArray q = normalize(test.toNDArray(m, from, to));
          NDList top = q.matMul(bank).topK(k, -1); // values, indices: [b, k]
          NDArray weights = top.get(0).div(config.temperature()).exp().expandDims(-1); // [b, k, 1]
          NDArray votes =
              bankLabels
                  .get(top.get(1))
                  .oneHot(classes)
                  .toType(DataType.FLOAT32, false); // [b, k, C]
          NDArray scores = votes.muli(weights).sum(new int[] {1}); // [b, C]
          NDArray y = test.labelsNDArray(m, from, to);
          hits1 += Accuracy.hits(scores, y, 1).getFloat();
          if (topK > 0) {
            hitsK += Accuracy.hits(scores, y, topK).getFloat();
          }
        }
      }
    }
    return new KnnResult(
        k,
        classes,
        train.size(),
        test.size(),
        hits1 / test.size(),
        topK > 0 ? hitsK / test.size() : Double.NaN);
  }

  /** Rows scaled to unit L2 norm (all-zero rows stay zero). */
  static NDArray normalize(NDArray x) {
    return x.div(x.norm(new int[] {1}, true).maximum(1e-12f));
  }
}
