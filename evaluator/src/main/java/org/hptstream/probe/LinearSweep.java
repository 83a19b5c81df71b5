package org.hptstream.probe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.hptstream.features.Features;
import org.hptstream.features.Splits;
import org.hptstream.optim.LrSchedule;
import org.hptstream.stats.Accuracy;

/**
 * A whole learning-rate sweep of linear classifiers (R reruns x L learning rates) trained at once.
 *
 * <p>All classifiers of one rerun see the same batches; reruns differ in init and batch order. The
 * weights of the sweep are one {@code [R, L*C, D]} tensor, so every step is two batched matmuls
 * whatever the sweep size: far fewer kernel launches than training the classifiers one by one.
 * Gradients of the softmax cross-entropy are written in closed form ({@code X^T (softmax - onehot)
 * / B}) rather than taken through autograd: the probe needs no {@code GradientCollector} (one per
 * process in DJL), so it can run beside a training job. SGD with momentum follows {@code
 * torch.optim.SGD} (buffer = m * buffer + grad + wd * w; w -= lr * buffer).
 */
final class LinearSweep implements AutoCloseable {
  private final NDManager manager;
  private final int reruns;
  private final int lrs;
  private final int classes;
  private final NDArray weight; // [R, L*C, D]
  private final NDArray bias; // [R, L*C, 1]

  private LinearSweep(
      NDManager manager, int reruns, int lrs, int classes, NDArray weight, NDArray bias) {
    this.manager = manager;
    this.reruns = reruns;
    this.lrs = lrs;
    this.classes = classes;
    this.weight = weight;
    this.bias = bias;
  }

  /**
   * Trains the sweep.
   *
   * @param inputs the training rows' features
   * @param labels the training rows' labels (all in {@code [0, classes)})
   * @param parent the manager (and device) the weights live on; the sweep owns a sub-manager
   */
  static LinearSweep train(
      LinearProbeConfig cfg,
      TrainingInputs inputs,
      int[] labels,
      int dim,
      int classes,
      long seed,
      NDManager parent) {
    int r = cfg.reruns();
    int l = cfg.learningRates().size();
    int lc = l * classes;
    int n = labels.length;
    int batch = Math.min(cfg.batchSize(), n);
    NDManager m = parent.newSubManager();
    try {
      Random[] rng = new Random[r];
      float[] w0 = new float[r * dim * lc];
      for (int k = 0; k < r; k++) {
        rng[k] = new Random(seed + k);
        // One init per rerun, shared by its learning rates (as reseeding before each would).
        float[] one = new float[dim * classes];
        for (int i = 0; i < one.length; i++) {
          one[i] = (float) (rng[k].nextGaussian() * cfg.initStd());
        }
        for (int j = 0; j < l; j++) {
          for (int cls = 0; cls < classes; cls++) {
            int row = (k * lc + j * classes + cls) * dim;
            for (int d = 0; d < dim; d++) {
              w0[row + d] = one[d * classes + cls];
            }
          }
        }
      }
      NDArray w = m.create(w0, new Shape(r, lc, dim));
      NDArray b = m.zeros(new Shape(r, lc, 1));
      NDArray vw = m.zeros(w.getShape());
      NDArray vb = m.zeros(b.getShape());
      float[] lrCol = new float[lc];
      for (int j = 0; j < lc; j++) {
        lrCol[j] = cfg.learningRates().get(j / classes).floatValue();
      }
      long[] l64 = new long[n];
      for (int i = 0; i < n; i++) {
        l64[i] = labels[i];
      }
      NDArray oneHot = m.create(l64).oneHot(classes).toType(DataType.FLOAT32, false);
      Batches order = new Batches(n, batch, rng);
      float momentum = (float) cfg.momentum();
      float wd = (float) cfg.weightDecay();
      LrSchedule schedule = cfg.schedule(1.0);
      double lastFactor = Double.NaN;
      NDArray lrNow = null;
      for (int step = 0; step < cfg.steps(); step++) {
        double factor = schedule.lr(step);
        if (factor != lastFactor) {
          float[] scaled = lrCol.clone();
          for (int j = 0; j < lc; j++) {
            scaled[j] *= (float) factor;
          }
          if (lrNow != null) {
            lrNow.close();
          }
          lrNow = m.create(scaled, new Shape(1, lc, 1));
          lastFactor = factor;
        }
        try (NDScope ignored = new NDScope()) {
          NDArray idx = m.create(order.next(), new Shape((long) r * batch));
          NDArray x = inputs.rows(idx, step).reshape(r, batch, dim);
          NDArray y =
              oneHot
                  .get(idx)
                  .reshape(r, batch, classes)
                  .transpose(0, 2, 1)
                  .reshape(r, 1, classes, batch);
          NDArray logits = w.batchMatMul(x.transpose(0, 2, 1)).addi(b); // [R, L*C, B]
          // Classes on dim 2 with the batch innermost: libtorch's softmax is ~8x faster than over a
          // last dim of 10 classes (measured 68 vs 528 us per step).
          NDArray g =
              logits
                  .reshape(r, l, classes, batch)
                  .softmax(2)
                  .subi(y)
                  .divi(batch)
                  .reshape(r, lc, batch);
          NDArray gw = g.batchMatMul(x); // [R, L*C, D]
          NDArray gb = g.sum(new int[] {2}, true);
          if (wd > 0) {
            gw.addi(w.mul(wd));
          }
          vw.muli(momentum).addi(gw);
          vb.muli(momentum).addi(gb);
          w.subi(vw.mul(lrNow));
          b.subi(vb.mul(lrNow));
        }
      }
      vw.close();
      vb.close();
      oneHot.close();
      if (lrNow != null) {
        lrNow.close();
      }
      return new LinearSweep(m, r, l, classes, w, b);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /**
   * Top-1 and top-k hit rates of every classifier on labelled features.
   *
   * @return {@code [2][R][L]}: top-1 and top-{@code k} accuracy in [0, 1]; top-k is NaN when k is 0
   */
  double[][][] accuracy(Features data, int k) {
    int n = data.size();
    double[] hits1 = new double[reruns * lrs];
    double[] hitsK = new double[reruns * lrs];
    int chunk = 4096;
    for (int from = 0; from < n; from += chunk) {
      int to = Math.min(n, from + chunk);
      try (NDScope ignored = new NDScope()) {
        NDArray x = data.toNDArray(manager, from, to);
        NDArray y = data.labelsNDArray(manager, from, to);
        NDArray scores =
            x.matMul(weight.transpose(0, 2, 1))
                .addi(bias.transpose(0, 2, 1))
                .reshape(reruns, to - from, lrs, classes)
                .transpose(0, 2, 1, 3);
        add(hits1, Accuracy.hits(scores, y, 1).toType(DataType.FLOAT64, false).toDoubleArray());
        if (k > 0) {
          add(hitsK, Accuracy.hits(scores, y, k).toType(DataType.FLOAT64, false).toDoubleArray());
        }
      }
    }
    double[][][] out = new double[2][reruns][lrs];
    for (int i = 0; i < reruns; i++) {
      for (int j = 0; j < lrs; j++) {
        out[0][i][j] = hits1[i * lrs + j] / n;
        out[1][i][j] = k > 0 ? hitsK[i * lrs + j] / n : Double.NaN;
      }
    }
    return out;
  }

  private static void add(double[] acc, double[] v) {
    for (int i = 0; i < acc.length; i++) {
      acc[i] += v[i];
    }
  }

  @Override
  public void close() {
    manager.close();
  }

  /**
   * Epoch-wise shuffled batches, one independent order per rerun; a partial last batch is dropped.
   */
  private static final class Batches {
    private final int n;
    private final int batch;
    private final Random[] rng;
    private final int[][] perm;
    private final int[] cursor;

    Batches(int n, int batch, Random[] rng) {
      this.n = n;
      this.batch = batch;
      this.rng = rng;
      this.perm = new int[rng.length][];
      this.cursor = new int[rng.length];
      for (int k = 0; k < rng.length; k++) {
        perm[k] = Splits.permutation(n, rng[k]);
      }
    }

    int[] next() {
      int[] out = new int[rng.length * batch];
      for (int k = 0; k < rng.length; k++) {
        if (cursor[k] + batch > n) {
          perm[k] = Splits.permutation(n, rng[k]);
          cursor[k] = 0;
        }
        System.arraycopy(perm[k], cursor[k], out, k * batch, batch);
        cursor[k] += batch;
      }
      return out;
    }
  }
}
