package org.hptstream.evaluation;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.hptstream.augment.AugmentRandom;
import org.hptstream.data.ImageSet;
import org.hptstream.features.FeatureCache;
import org.hptstream.features.FeatureExtractor;
import org.hptstream.features.Features;
import org.hptstream.features.InputPipeline;
import org.hptstream.features.Splits;
import org.hptstream.health.HealthReport;
import org.hptstream.health.RepresentationHealth;
import org.hptstream.knn.KnnClassifier;
import org.hptstream.knn.KnnResult;
import org.hptstream.model.ResNet;
import org.hptstream.probe.LinearProbe;
import org.hptstream.probe.LinearProbeConfig;
import org.hptstream.probe.ProbeResult;
import org.hptstream.probe.TrainingInputs;
import org.hptstream.semisup.FineTuneConfig;
import org.hptstream.semisup.FineTuner;
import org.hptstream.semisup.LabelSampler;
import org.hptstream.stats.Summary;

/**
 * Runs the evaluation protocols on one backbone. Features are extracted once per (checkpoint,
 * dataset, transform) through the {@link FeatureCache} and shared by the linear probe, kNN, health
 * and transfer protocols. Every input is checked before any work (or cache write) happens.
 */
public final class Evaluator {
  private final EvaluationConfig config;
  private final NDManager manager;
  private final FeatureCache cache;

  /**
   * @param manager where (which device) the math runs; the backbone's parameters must be there too
   * @param cache shared feature cache (may persist to disk)
   */
  public Evaluator(EvaluationConfig config, NDManager manager, FeatureCache cache) {
    this.config = Objects.requireNonNull(config, "config");
    this.manager = Objects.requireNonNull(manager, "manager");
    this.cache = Objects.requireNonNull(cache, "cache");
  }

  /**
   * Runs {@code protocols} in order.
   *
   * @throws IllegalArgumentException for a missing, empty or unlabeled split, labels out of range,
   *     or images the backbone cannot take; nothing has run when it is thrown
   */
  public List<EvaluationResult> evaluate(
      EvaluatedBackbone backbone, EvaluationData data, List<Protocol> protocols) {
    int classes = validate(backbone, data, protocols);
    Run run = new Run(backbone, data, classes);
    List<EvaluationResult> out = new ArrayList<>();
    for (Protocol p : protocols) {
      long t0 = System.nanoTime();
      String started = Instant.now().toString();
      Outcome o =
          switch (p) {
            case LINEAR -> run.linear();
            case KNN -> run.knn();
            case HEALTH -> run.health();
            case SEMISUP -> run.semisup();
            case TRANSFER -> run.transfer();
          };
      double wall = (System.nanoTime() - t0) / 1e9;
      out.add(
          new EvaluationResult(
              new Provenance(
                  backbone.checkpointId(),
                  backbone.sha256(),
                  backbone.net().config().id(),
                  p.id(),
                  o.parameters,
                  o.splits,
                  config.seed(),
                  wall,
                  started,
                  manager.getDevice().toString()),
              o.metrics));
    }
    return out;
  }

  /** Checks every input; returns the number of classes (from the train split). */
  private int validate(EvaluatedBackbone backbone, EvaluationData data, List<Protocol> protocols) {
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException("no protocol to run");
    }
    int channels = backbone.net().config().inChannels();
    requireSplit(data.train(), "train", channels);
    int classes = data.train().numClasses();
    if (classes < 2) {
      throw new IllegalArgumentException(
          "the train split has " + classes + " class(es); a classifier needs at least 2");
    }
    requireSplit(data.test(), "test", channels);
    requireLabelsBelow(data.test(), classes, "test");
    if (data.val() != null) {
      requireSplit(data.val(), "validation", channels);
      requireLabelsBelow(data.val(), classes, "validation");
    }
    if (protocols.contains(Protocol.TRANSFER)) {
      if (data.targetTest() == null) {
        throw new IllegalArgumentException(
            "the transfer protocol needs the target domain's test split (--target-test)");
      }
      requireSplit(data.targetTest(), "target test", channels);
      requireLabelsBelow(data.targetTest(), classes, "target test");
    }
    if (protocols.contains(Protocol.SEMISUP)) {
      FineTuneConfig s = config.semisup();
      if (s.labels() > data.train().size()) {
        throw new IllegalArgumentException(
            "semi-supervised: "
                + s.labels()
                + " labels requested, the train split has "
                + data.train().size()
                + " images");
      }
      if (data.val() == null && s.labels() + s.valSize() > data.train().size()) {
        throw new IllegalArgumentException(
            "semi-supervised: "
                + s.labels()
                + " labels + "
                + s.valSize()
                + " validation rows exceed the train split's "
                + data.train().size()
                + " images");
      }
    }
    return classes;
  }

  private static void requireSplit(ImageSet s, String what, int channels) {
    if (s == null || s.size() == 0) {
      throw new IllegalArgumentException("the " + what + " split is missing or empty");
    }
    if (!s.hasLabels()) {
      throw new IllegalArgumentException("the " + what + " split has no labels");
    }
    if (s.channels() != channels && s.channels() != 1) {
      throw new IllegalArgumentException(
          "the "
              + what
              + " split has "
              + s.channels()
              + "-channel images, the backbone takes "
              + channels);
    }
  }

  private static void requireLabelsBelow(ImageSet s, int classes, String what) {
    if (s.numClasses() > classes) {
      int[] l = s.labels();
      for (int i = 0; i < l.length; i++) {
        if (l[i] >= classes) {
          throw new IllegalArgumentException(
              "the "
                  + what
                  + " split has label "
                  + l[i]
                  + " (image "
                  + i
                  + ") out of range [0, "
                  + classes
                  + ") of the train split's classes");
        }
      }
    }
  }

  private record Outcome(
      Map<String, Object> parameters, Map<String, Integer> splits, List<Metric> metrics) {}

  /** State of one {@link #evaluate} call. */
  private final class Run {
    final EvaluatedBackbone backbone;
    final EvaluationData data;
    final int classes;
    final FeatureExtractor extractor;

    Run(EvaluatedBackbone backbone, EvaluationData data, int classes) {
      this.backbone = backbone;
      this.data = data;
      this.classes = classes;
      InputPipeline pipeline = new InputPipeline(backbone.net().config().inChannels());
      this.extractor =
          new FeatureExtractor(
              backbone.net().backbone(),
              pipeline,
              backbone.transforms().eval(),
              config.extractBatch());
    }

    Features features(ImageSet images) {
      // The backbone's hash and its normalisation together determine the features.
      String model =
          backbone.sha256() + "-" + Integer.toHexString(backbone.normalization().hashCode());
      return cache.get(
          new FeatureCache.Key(model, images.contentHash(), backbone.transforms().id()),
          () -> extractor.extract(images, manager));
    }

    Outcome linear() {
      LinearProbeConfig pc = config.probe();
      ProbeResult r = probe(Map.of(), pc);
      List<Metric> m = new ArrayList<>();
      m.add(Metric.of("top1", r.top1()));
      if (r.top5() != null) {
        m.add(Metric.of("top5", r.top5()));
      }
      m.add(Metric.of("selected_lr", r.selectedLr()));
      return new Outcome(pc.describe(), sizes(r, Map.of()), m);
    }

    Outcome transfer() {
      LinearProbeConfig pc = config.probe();
      ProbeResult r = probe(Map.of("target", data.targetTest()), pc);
      Summary source = r.top1();
      Summary target = r.tests().get("target").top1();
      List<Metric> m = new ArrayList<>();
      m.add(Metric.of("source_top1", source));
      m.add(Metric.of("target_top1", target));
      double[] gap = new double[source.values().length];
      for (int i = 0; i < gap.length; i++) {
        gap[i] = source.values()[i] - target.values()[i];
      }
      m.add(Metric.of("transfer_gap", Summary.of(gap)));
      m.add(Metric.of("selected_lr", r.selectedLr()));
      Map<String, Object> params = new LinkedHashMap<>(pc.describe());
      params.put("method", "linear classifier on source features, tested on the target domain");
      return new Outcome(params, sizes(r, Map.of("target_test", data.targetTest().size())), m);
    }

    private ProbeResult probe(Map<String, ImageSet> extraTests, LinearProbeConfig pc) {
      Features train = features(data.train());
      Features val = data.val() == null ? null : features(data.val());
      Map<String, Features> tests = new LinkedHashMap<>();
      tests.put(ProbeResult.TEST, features(data.test()));
      extraTests.forEach((k, v) -> tests.put(k, features(v)));
      LinearProbe probe = new LinearProbe(pc, manager);
      TrainingInputs inputs = null;
      if (pc.mode() == LinearProbeConfig.Mode.PAPER) {
        int[] rows = probe.trainingRows(train.size(), val != null, config.seed());
        ParameterStore store = new ParameterStore(manager, false);
        ImageSet images = data.train();
        inputs =
            (idx, step) -> {
              int[] local = idx.toType(DataType.INT32, false).toIntArray();
              int[] img = new int[local.length];
              for (int i = 0; i < local.length; i++) {
                img[i] = rows[local[i]];
              }
              NDArray x =
                  extractor
                      .pipeline()
                      .batch(
                          images,
                          img,
                          manager,
                          backbone.transforms().train(),
                          AugmentRandom.forStep(config.seed(), step, AugmentRandom.STREAM_AUGMENT));
              return extractor.forward(x, store);
            };
      }
      return probe.run(train, val, tests, classes, config.seed(), inputs);
    }

    private Map<String, Integer> sizes(ProbeResult r, Map<String, Integer> extra) {
      Map<String, Integer> s = new LinkedHashMap<>();
      s.put("train", r.trainSize());
      s.put("val", r.valSize());
      s.put("test", r.testSize());
      s.putAll(extra);
      return s;
    }

    Outcome knn() {
      KnnResult r =
          new KnnClassifier(config.knn(), manager)
              .evaluate(features(data.train()), features(data.test()), classes);
      List<Metric> m = new ArrayList<>();
      m.add(Metric.of("top1", r.top1()));
      if (!Double.isNaN(r.top5())) {
        m.add(Metric.of("top5", r.top5()));
      }
      Map<String, Object> params = new LinkedHashMap<>(config.knn().describe());
      params.put("k_used", r.k());
      Map<String, Integer> sizes = new LinkedHashMap<>();
      sizes.put("train", r.trainSize());
      sizes.put("test", r.testSize());
      return new Outcome(params, sizes, m);
    }

    Outcome health() {
      HealthReport r =
          new RepresentationHealth(config.health(), manager)
              .measure(features(data.test()), config.seed());
      List<Metric> m =
          List.of(
              Metric.of("effective_rank", r.effectiveRank()),
              Metric.of("effective_rank_ratio", r.effectiveRankRatio()),
              Metric.of("relative_std", r.relativeStd()),
              Metric.of("mean_dim_std", r.meanStd()),
              Metric.of("min_dim_std", r.minStd()),
              Metric.of("dead_dim_fraction", r.deadFraction()),
              Metric.of("collapsed", r.collapsed() ? 1 : 0));
      Map<String, Object> params = new LinkedHashMap<>(config.health().describe());
      params.put("split", "test");
      params.put("dim", r.dim());
      return new Outcome(params, Map.of("test", r.samples()), m);
    }

    Outcome semisup() {
      FineTuneConfig sc = config.semisup();
      ImageSet train = data.train();
      int[] labelled = LabelSampler.sample(train.labels(), classes, sc.labels(), config.seed());
      ImageSet val = data.val();
      if (val == null) {
        boolean[] used = new boolean[train.size()];
        for (int i : labelled) {
          used[i] = true;
        }
        int[] rest =
            Arrays.stream(Splits.permutation(train.size(), new Random(config.seed() + 1)))
                .filter(i -> !used[i])
                .limit(sc.valSize())
                .toArray();
        val = train.select(rest);
      }
      ImageSet labelledSet = train.select(labelled);
      InputPipeline pipeline = extractor.pipeline();
      FineTuner tuner =
          new FineTuner(pipeline, backbone.transforms().train(), backbone.transforms().eval());
      int k = classes > 5 ? 5 : 0;
      double bestVal = -1;
      double[] bestTest = null;
      double bestLr = Double.NaN;
      List<Metric> perLr = new ArrayList<>();
      for (double lr : sc.learningRates()) {
        try (NDManager m = manager.newSubManager()) {
          Engine.getInstance().setRandomSeed((int) config.seed()); // the new head's init
          ResNet net = backbone.newClassifierNet(classes, m);
          tuner.train(net, labelledSet, sc, lr, config.seed(), m);
          double valTop1 = tuner.accuracy(net, val, 0, config.extractBatch(), m)[0];
          perLr.add(Metric.of("val_top1@lr=" + lr, valTop1));
          if (valTop1 > bestVal) {
            bestVal = valTop1;
            bestLr = lr;
            bestTest = tuner.accuracy(net, data.test(), k, config.extractBatch(), m);
          }
        }
      }
      List<Metric> metrics = new ArrayList<>();
      metrics.add(Metric.of("top1", bestTest[0]));
      if (k > 0) {
        metrics.add(Metric.of("top5", bestTest[1]));
      }
      metrics.add(Metric.of("selected_lr", bestLr));
      metrics.addAll(perLr);
      Map<String, Integer> sizes = new LinkedHashMap<>();
      sizes.put("labelled", labelledSet.size());
      sizes.put("val", val.size());
      sizes.put("test", data.test().size());
      return new Outcome(sc.describe(), sizes, metrics);
    }
  }
}
