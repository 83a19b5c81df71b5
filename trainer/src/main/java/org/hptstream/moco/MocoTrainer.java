package org.hptstream.moco;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.GradientCollector;
import org.hptstream.augment.TwoViewAugmenter;
import org.hptstream.optim.Sgd;

/**
 * One MoCo v2 step on a batch of raw images: two views, momentum update, key forward (no gradients,
 * BN train mode), query forward + InfoNCE + backward, SGD step, enqueue. Also the gradient-free
 * BN-recalibration pass of BASE-BN-RECAL.
 *
 * <p>All arrays of a step belong to the manager of the input batch: callers give each step its own
 * sub-manager and close it afterwards, so native memory stays flat.
 */
public final class MocoTrainer {
  /** Numbers of one step. */
  public record StepResult(double loss, double featureStd) {}

  private final MocoModel model;
  private final TwoViewAugmenter augmenter;
  private final Sgd sgd;
  private final long seed;

  /**
   * @param sgd the optimizer over the trained query parameters; null for a recalibration-only job
   * @param seed job seed; step {@code s} augments with the stream (seed, s)
   */
  public MocoTrainer(MocoModel model, TwoViewAugmenter augmenter, Sgd sgd, long seed) {
    this.model = model;
    this.augmenter = augmenter;
    this.sgd = sgd;
    this.seed = seed;
  }

  /**
   * Trains one step (0-based {@code step}) at learning rate {@code lr}.
   *
   * @throws NonFiniteLossException if the loss is NaN/inf; parameters, optimizer and queue are then
   *     left as they were before the optimizer step (BN running stats may have moved)
   */
  public StepResult train(NDArray images, long step, double lr) {
    NDList views = augmenter.views(images, seed, step);
    return trainOnViews(views.get(0), views.get(1), step, lr);
  }

  /**
   * The step on views made elsewhere (float [B,3,S,S], normalised): momentum update, keys, query
   * forward/backward, SGD, enqueue.
   *
   * @throws NonFiniteLossException see {@link #train}
   */
  public StepResult trainOnViews(NDArray queryView, NDArray keyView, long step, double lr) {
    if (sgd == null)
      throw new IllegalStateException("no optimizer: this trainer only recalibrates");
    model.momentumUpdate();
    NDArray k = model.keys(keyView);
    NDArray q;
    NDArray loss;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      q = model.queries(queryView);
      loss = InfoNce.loss(q, k, model.queue().keys(), model.config().temperature());
      collector.backward(loss);
    }
    double value = loss.getFloat();
    if (!Double.isFinite(value)) {
      sgd.zeroGradients();
      throw new NonFiniteLossException(step, value);
    }
    sgd.step(lr);
    sgd.zeroGradients();
    model.queue().enqueue(k);
    return new StepResult(value, featureStd(q));
  }

  /**
   * BASE-BN-RECAL: a forward pass in train mode without gradients; only BN running stats change.
   */
  public StepResult recalibrate(NDArray images, long step) {
    NDArray view = augmenter.views(images, seed, step).get(0);
    NDArray f = model.query().features(view, true).normalize(2, 1);
    return new StepResult(Double.NaN, featureStd(f));
  }

  /** Mean over dimensions of the per-dimension std (over the batch) of normalised features. */
  static double featureStd(NDArray q) {
    NDArray centered = q.sub(q.mean(new int[] {0}, true));
    return centered.square().mean(new int[] {0}).sqrt().mean().getFloat();
  }
}
