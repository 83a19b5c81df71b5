package org.hptstream.trainer;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hptstream.checkpoint.Checkpoint;
import org.hptstream.checkpoint.CheckpointDraft;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.CheckpointStore;
import org.hptstream.data.ChannelStats;
import org.hptstream.data.ImageSet;
import org.hptstream.features.FeatureExtractor;
import org.hptstream.features.Features;
import org.hptstream.features.ImageTransform;
import org.hptstream.features.InputPipeline;
import org.hptstream.health.HealthConfig;
import org.hptstream.health.HealthReport;
import org.hptstream.health.RepresentationHealth;
import org.hptstream.knn.KnnClassifier;
import org.hptstream.knn.KnnConfig;
import org.hptstream.model.ResNet;
import org.hptstream.model.ResNetConfig;
import org.hptstream.strategy.Strategy;

/**
 * Decides whether a finished checkpoint becomes what users deploy: promoted only if its loss is
 * finite, its representation has not collapsed (on the job's own sample), and, where the domain has
 * a labelled split, its kNN accuracy is not more than {@code knnTolerance} below its parent's on
 * the same images. Pure ML (core's features, kNN and health); no Kafka.
 */
public final class PromotionGate {
  /**
   * @param knnTolerance largest accepted drop of kNN top-1 below the parent's (absolute, 0..1)
   * @param knn kNN protocol
   * @param health collapse thresholds
   * @param extractBatch images per forward pass
   */
  public record Config(double knnTolerance, KnnConfig knn, HealthConfig health, int extractBatch) {
    /** A 2-point tolerance, core's kNN and health defaults. */
    public static Config defaults() {
      return new Config(0.02, KnnConfig.defaults(), HealthConfig.defaults(), 256);
    }
  }

  /**
   * What the gate measures on.
   *
   * @param sample the job's training sample (health)
   * @param labelledTrain labelled images of the domain's TRAIN split, or null
   * @param labelledTest labelled images of its TEST/VAL split, or null
   */
  public record Evidence(ImageSet sample, ImageSet labelledTrain, ImageSet labelledTest) {}

  /**
   * The ruling.
   *
   * @param promoted whether the candidate is promoted
   * @param reason the checks that passed, or the first that failed
   * @param checks the measured values
   */
  public record Decision(boolean promoted, String reason, Map<String, Double> checks) {}

  private final Config config;

  public PromotionGate(Config config) {
    this.config = config;
  }

  /** Rules on {@code candidate}; {@code parentId} (or null) is its parent in {@code store}. */
  public Decision judge(
      CheckpointStore store, CheckpointManifest candidate, String parentId, Evidence evidence) {
    // Inference on whatever thread calls: autograd off here, whichever thread loaded the engine.
    org.hptstream.tensor.GradMode.offOnThisThread();
    Map<String, Double> checks = new LinkedHashMap<>();
    Double loss = candidate.finalLoss();
    boolean trains = Strategy.parse(candidate.strategy()).gradientSteps();
    if (trains && (loss == null || !Double.isFinite(loss))) {
      return new Decision(false, "non-finite loss", checks);
    }
    if (loss != null) {
      checks.put("finalLoss", loss);
    }
    try (NDManager m = NDManager.newBaseManager()) {
      ImageSet sample = evidence.sample();
      if (sample.size() > config.health().maxSamples()) {
        sample = sample.slice(0, config.health().maxSamples());
      }
      HealthReport h =
          new RepresentationHealth(config.health(), m)
              .measure(features(store, candidate, sample, m), 0);
      checks.put("relativeStd", h.relativeStd());
      checks.put("effectiveRank", h.effectiveRank());
      if (h.collapsed()) {
        return new Decision(
            false,
            String.format(
                Locale.ROOT,
                "collapsed representation (relative std %.4f, effective rank %.2f)",
                h.relativeStd(),
                h.effectiveRank()),
            checks);
      }
      if (evidence.labelledTrain() == null
          || evidence.labelledTest() == null
          || evidence.labelledTrain().numClasses() < 2) {
        return new Decision(true, "finite loss, not collapsed (no labelled split)", checks);
      }
      double mine = knn(store, candidate, evidence, m);
      checks.put("knnTop1", mine);
      if (parentId == null) {
        return new Decision(true, "finite loss, not collapsed, no parent to compare", checks);
      }
      CheckpointManifest parent =
          store
              .manifest(parentId)
              .orElseThrow(() -> new IllegalStateException("parent " + parentId + " vanished"));
      double theirs = knn(store, parent, evidence, m);
      checks.put("parentKnnTop1", theirs);
      checks.put("tolerance", config.knnTolerance());
      if (mine < theirs - config.knnTolerance()) {
        return new Decision(
            false,
            String.format(
                Locale.ROOT,
                "kNN top-1 %.4f is more than %.4f below the parent's %.4f",
                mine,
                config.knnTolerance(),
                theirs),
            checks);
      }
      return new Decision(
          true,
          String.format(
              Locale.ROOT,
              "finite loss, not collapsed, kNN top-1 %.4f vs parent %.4f",
              mine,
              theirs),
          checks);
    }
  }

  private double knn(
      CheckpointStore store, CheckpointManifest m, Evidence evidence, NDManager manager) {
    Features train = features(store, m, evidence.labelledTrain(), manager);
    Features test = features(store, m, evidence.labelledTest(), manager);
    int classes = Math.max(train.maxLabelPlusOne(), test.maxLabelPlusOne());
    return new KnnClassifier(config.knn(), manager).evaluate(train, test, classes).top1();
  }

  /** Pooled features of {@code images} under the checkpoint's backbone and normalisation. */
  private Features features(
      CheckpointStore store, CheckpointManifest m, ImageSet images, NDManager manager) {
    ResNetConfig arch = ResNetConfig.parse(m.architecture());
    try (NDManager scratch = manager.newSubManager()) {
      ResNet net = ResNet.backbone(arch);
      net.initialize(scratch);
      try (Checkpoint c = store.get(m.id(), arch, Set.of(CheckpointDraft.BACKBONE), scratch)) {
        c.loadBackboneInto(net);
      }
      ChannelStats norm =
          new ChannelStats(floats(m.normalization().mean()), floats(m.normalization().std()));
      return new FeatureExtractor(
              net.backbone(),
              new InputPipeline(arch.inChannels()),
              ImageTransform.normalizeOnly(norm),
              config.extractBatch())
          .extract(images, scratch);
    }
  }

  private static float[] floats(List<Double> v) {
    float[] f = new float[v.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = v.get(i).floatValue();
    }
    return f;
  }
}
