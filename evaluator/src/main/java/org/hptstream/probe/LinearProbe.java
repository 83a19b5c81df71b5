package org.hptstream.probe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.hptstream.features.Features;
import org.hptstream.features.Splits;
import org.hptstream.stats.Summary;

/**
 * The linear-separability protocol on a frozen backbone: a sweep of linear classifiers, the
 * learning rate selected on a validation split, reported on test as mean and spread over reruns.
 *
 * <p>This class holds the probe math only; where the features come from is the caller's business
 * ({@link org.hptstream.features.FeatureExtractor}). In {@link LinearProbeConfig.Mode#FEATURES}
 * mode it trains on {@code train}'s cached rows; {@link #run(Features, Features, Map, int, long,
 * TrainingInputs)} lets the paper mode supply augmented rows per step instead.
 */
public final class LinearProbe {
  private final LinearProbeConfig config;
  private final NDManager manager;

  /**
   * @param manager where (which device) the classifiers train; arrays are released after each run
   */
  public LinearProbe(LinearProbeConfig config, NDManager manager) {
    this.config = Objects.requireNonNull(config, "config");
    this.manager = Objects.requireNonNull(manager, "manager");
  }

  public LinearProbeConfig config() {
    return config;
  }

  /**
   * Runs the sweep on cached features and reports it on {@code test} (under {@link
   * ProbeResult#TEST}).
   *
   * @param train labelled training features
   * @param val labelled validation features, or {@code null} to hold out a seeded share of {@code
   *     train}
   * @param test labelled test features
   * @param numClasses number of classes, or 0 to take {@code max(train label) + 1}
   * @throws IllegalArgumentException for an empty or unlabeled split, a label out of range, or
   *     splits whose feature dimensions differ
   */
  public ProbeResult run(Features train, Features val, Features test, int numClasses, long seed) {
    return run(train, val, orderedTests(ProbeResult.TEST, test), numClasses, seed, null);
  }

  /**
   * Runs the sweep and reports the selected classifiers on every named test split (e.g. the source
   * domain's test and the target domain's). When {@code inputs} is non-null the classifiers train
   * on its rows (indexed like {@link #trainingRows}) instead of {@code train}'s cached features.
   */
  public ProbeResult run(
      Features train,
      Features val,
      Map<String, Features> tests,
      int numClasses,
      long seed,
      TrainingInputs inputs) {
    if (tests.isEmpty()) {
      throw new IllegalArgumentException("the test split is missing or empty");
    }
    Prepared p = prepare(train, val, tests, numClasses, seed);
    int classes = p.classes;
    TrainingInputs rows = inputs;
    NDArray cached = null;
    if (rows == null) {
      cached = p.train.toNDArray(manager);
      NDArray all = cached;
      rows = (idx, step) -> all.get(idx);
    }
    try (LinearSweep sweep =
        LinearSweep.train(config, rows, p.train.labels(), p.train.dim(), classes, seed, manager)) {
      int k = classes > 5 ? 5 : 0;
      double[][] valTop1 = sweep.accuracy(p.val, 0)[0];
      int best = 0;
      double bestMean = -1;
      for (int j = 0; j < config.learningRates().size(); j++) {
        double mean = 0;
        for (double[] rerun : valTop1) {
          mean += rerun[j] / valTop1.length;
        }
        if (mean > bestMean) {
          bestMean = mean;
          best = j;
        }
      }
      Map<String, ProbeResult.TestScore> scores = new LinkedHashMap<>();
      for (Map.Entry<String, Features> e : tests.entrySet()) {
        double[][][] acc = sweep.accuracy(e.getValue(), k);
        double[] t1 = new double[config.reruns()];
        double[] t5 = new double[config.reruns()];
        for (int r = 0; r < config.reruns(); r++) {
          t1[r] = acc[0][r][best];
          t5[r] = acc[1][r][best];
        }
        scores.put(
            e.getKey(),
            new ProbeResult.TestScore(
                e.getValue().size(), Summary.of(t1), k > 0 ? Summary.of(t5) : null));
      }
      return new ProbeResult(
          classes,
          p.train.size(),
          p.val.size(),
          config.learningRates(),
          valTop1,
          config.learningRates().get(best),
          scores);
    } finally {
      if (cached != null) {
        cached.close();
      }
    }
  }

  private static Map<String, Features> orderedTests(String name, Features test) {
    Map<String, Features> m = new LinkedHashMap<>();
    m.put(name, test);
    return m;
  }

  /**
   * The rows of {@code train} the classifiers train on, in the order {@link TrainingInputs} indices
   * refer to: all of them when a validation split is given, else the complement of the seeded
   * hold-out.
   */
  public int[] trainingRows(int trainSize, boolean valGiven, long seed) {
    if (valGiven) {
      return java.util.stream.IntStream.range(0, trainSize).toArray();
    }
    return Splits.holdOut(trainSize, config.valFraction(), seed).rest();
  }

  private record Prepared(Features train, Features val, int classes) {}

  private Prepared prepare(
      Features train, Features val, Map<String, Features> tests, int numClasses, long seed) {
    requireLabelled(train, "train");
    for (Map.Entry<String, Features> e : tests.entrySet()) {
      requireLabelled(e.getValue(), e.getKey());
    }
    int classes = numClasses > 0 ? numClasses : train.maxLabelPlusOne();
    if (classes < 2) {
      throw new IllegalArgumentException(
          "the train split has " + classes + " class(es); a classifier needs at least 2");
    }
    train.requireLabelsBelow(classes, "train");
    for (Map.Entry<String, Features> e : tests.entrySet()) {
      e.getValue().requireLabelsBelow(classes, e.getKey());
      if (e.getValue().dim() != train.dim()) {
        throw new IllegalArgumentException(
            "train features have "
                + train.dim()
                + " dims, "
                + e.getKey()
                + " features "
                + e.getValue().dim());
      }
    }
    Features tr = train;
    Features va = val;
    if (va == null) {
      Splits.Split s = Splits.holdOut(train.size(), config.valFraction(), seed);
      tr = train.select(s.rest());
      va = train.select(s.first());
    } else {
      requireLabelled(va, "validation");
      va.requireLabelsBelow(classes, "validation");
      if (va.dim() != train.dim()) {
        throw new IllegalArgumentException(
            "train features have " + train.dim() + " dims, validation features " + va.dim());
      }
    }
    return new Prepared(tr, va, classes);
  }

  private static void requireLabelled(Features f, String what) {
    if (f == null || f.size() == 0) {
      throw new IllegalArgumentException("the " + what + " split is missing or empty");
    }
    if (!f.hasLabels()) {
      throw new IllegalArgumentException("the " + what + " split has no labels");
    }
  }
}
