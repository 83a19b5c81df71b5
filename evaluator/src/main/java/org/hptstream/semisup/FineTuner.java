package org.hptstream.semisup;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import java.util.Objects;
import java.util.Random;
import org.hptstream.augment.AugmentRandom;
import org.hptstream.data.ImageSet;
import org.hptstream.features.ImageTransform;
import org.hptstream.features.InputPipeline;
import org.hptstream.features.Splits;
import org.hptstream.model.ResNet;
import org.hptstream.optim.LrSchedule;
import org.hptstream.optim.Sgd;
import org.hptstream.stats.Accuracy;

/**
 * Supervised fine-tuning of a whole {@link ResNet} with classifier: BN in train mode, the backbone
 * at the scheduled lr and {@code fc} at {@code headLrMultiplier} times it (core's {@link Sgd} param
 * groups), softmax cross-entropy (DJL's {@link Loss}).
 *
 * <p>Opens a DJL {@link GradientCollector}: only one may be open per process, so do not run it
 * concurrently with a training job in the same JVM.
 */
public final class FineTuner {
  private final InputPipeline pipeline;
  private final ImageTransform trainTransform;
  private final ImageTransform evalTransform;

  /**
   * @param trainTransform training augmentation (e.g. random-resized-crop + flip), drawn per step
   * @param evalTransform the eval transform (e.g. resize + center crop)
   */
  public FineTuner(
      InputPipeline pipeline, ImageTransform trainTransform, ImageTransform evalTransform) {
    this.pipeline = Objects.requireNonNull(pipeline);
    this.trainTransform = Objects.requireNonNull(trainTransform);
    this.evalTransform = Objects.requireNonNull(evalTransform);
  }

  /**
   * Trains {@code model} in place on the labelled {@code images}.
   *
   * @param model an initialised network with classifier, on {@code manager}'s device
   * @param baseLr the backbone's learning rate before decay
   * @return the mean training loss of the last 10% of steps (to watch for divergence)
   */
  public double train(
      ResNet model,
      ImageSet images,
      FineTuneConfig cfg,
      double baseLr,
      long seed,
      NDManager manager) {
    if (model.fc().isEmpty()) {
      throw new IllegalArgumentException("fine-tuning needs a network with a classifier");
    }
    Sgd sgd =
        Sgd.builder()
            .momentum(cfg.momentum())
            .group("backbone", model.backboneParameters(), 1.0, cfg.weightDecay())
            .group("head", model.fcParameters(), cfg.headLrMultiplier(), cfg.weightDecay())
            .build();
    LrSchedule schedule = cfg.schedule(baseLr);
    Loss loss = Loss.softmaxCrossEntropyLoss();
    int n = images.size();
    int batch = Math.min(cfg.batchSize(), n);
    int[] labels = images.labels();
    Random rng = new Random(seed);
    int[] perm = Splits.permutation(n, rng);
    int cursor = 0;
    double tail = 0;
    int tailSteps = 0;
    int tailFrom = cfg.steps() - Math.max(1, cfg.steps() / 10);
    try (NDManager m = manager.newSubManager()) {
      ParameterStore store = new ParameterStore(m, false);
      for (int step = 0; step < cfg.steps(); step++) {
        if (cursor + batch > n) {
          perm = Splits.permutation(n, rng);
          cursor = 0;
        }
        int[] idx = java.util.Arrays.copyOfRange(perm, cursor, cursor + batch);
        cursor += batch;
        try (NDManager s = m.newSubManager()) {
          NDArray x =
              pipeline.batch(
                  images,
                  idx,
                  s,
                  trainTransform,
                  AugmentRandom.forStep(seed, step, AugmentRandom.STREAM_AUGMENT));
          long[] y = new long[batch];
          for (int i = 0; i < batch; i++) {
            y[i] = labels[idx[i]];
          }
          NDArray target = s.create(y);
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logits = model.block().forward(store, new NDList(x), true).singletonOrThrow();
            NDArray l = loss.evaluate(new NDList(target), new NDList(logits));
            gc.backward(l);
            if (step >= tailFrom) {
              tail += l.getFloat();
              tailSteps++;
            }
            l.close();
            logits.close();
          }
          sgd.step(schedule.lr(step));
          sgd.zeroGradients();
        }
      }
    }
    return tail / Math.max(1, tailSteps);
  }

  /**
   * Top-1 and top-k accuracy of the whole network (eval-mode BN) on labelled images.
   *
   * @return {top1, topK} in [0, 1]; topK is NaN when {@code k} is 0
   */
  public double[] accuracy(ResNet model, ImageSet images, int k, int batchSize, NDManager manager) {
    double h1 = 0;
    double hk = 0;
    try (NDManager m = manager.newSubManager()) {
      ParameterStore store = new ParameterStore(m, false);
      int[] labels = images.labels();
      for (int from = 0; from < images.size(); from += batchSize) {
        int to = Math.min(images.size(), from + batchSize);
        try (NDManager s = m.newSubManager()) {
          NDArray x = pipeline.batch(images, from, to, s, evalTransform, null);
          NDArray scores = model.block().forward(store, new NDList(x), false).singletonOrThrow();
          long[] y = new long[to - from];
          for (int i = from; i < to; i++) {
            y[i - from] = labels[i];
          }
          NDArray target = s.create(y);
          h1 += Accuracy.hits(scores, target, 1).getFloat();
          if (k > 0) {
            hk += Accuracy.hits(scores, target, k).getFloat();
          }
        }
      }
    }
    return new double[] {h1 / images.size(), k > 0 ? hk / images.size() : Double.NaN};
  }
}
