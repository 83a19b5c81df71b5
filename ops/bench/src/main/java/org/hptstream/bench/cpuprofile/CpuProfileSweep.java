package org.hptstream.bench.cpuprofile;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hptstream.augment.AugmentConfig;
import org.hptstream.data.ChannelStats;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.FashionMnistDomains;
import org.hptstream.data.ImageSet;
import org.hptstream.evaluation.EvaluatedBackbone;
import org.hptstream.evaluation.EvaluationConfig;
import org.hptstream.evaluation.EvaluationData;
import org.hptstream.evaluation.EvaluationResult;
import org.hptstream.evaluation.Evaluator;
import org.hptstream.evaluation.Protocol;
import org.hptstream.features.FeatureCache;
import org.hptstream.moco.MocoConfig;
import org.hptstream.pretrain.ParentModel;
import org.hptstream.pretrain.PretrainConfig;
import org.hptstream.pretrain.PretrainSession;
import org.hptstream.pretrain.TrainState;
import org.hptstream.strategy.Strategy;

/**
 * The sweep behind the cpu-small profile: MoCo v2 from scratch (TARGET) on the demo's target domain
 * (Fashion-MNIST footwear and bags, the demo's sizes and seeds), each setting over several
 * pretraining seeds, against seeded random networks, all scored by the demo's evaluation (cpu
 * linear probe on frozen features, kNN). With HPT=1 it also runs the demo's comparison for the
 * profile: a base on clothing, then HPT and TARGET at equal update steps on the target domain.
 *
 * <p>Args: variants, each {@code name:key=value,...} with keys lr (absolute, at the batch), m (key
 * encoder momentum), k (queue), scale (smallest crop area), blur (blur probability), width, batch,
 * steps, t (temperature); unset keys keep the committed cpu-small profile. Env: SEEDS (3), IMAGES,
 * LABELLED, TEST (demo defaults), HPT (0), BASE_STEPS (demo's), UPDATE_STEPS (demo's).
 */
public class CpuProfileSweep {
  static final int SEEDS = Integer.parseInt(env("SEEDS", "3"));
  static final int SEED0 = Integer.parseInt(env("SEED0", "0"));

  public static void main(String[] args) throws Exception {
    int images = Integer.parseInt(env("IMAGES", "3000"));
    ImageSet train = FashionMnist.train();
    ImageSet test = FashionMnist.test();
    FashionMnistDomains.Target target =
        FashionMnistDomains.target(
            train,
            test,
            images,
            Integer.parseInt(env("LABELLED", "2000")),
            Integer.parseInt(env("TEST", "2000")),
            0);
    EvaluationData data = new EvaluationData(target.train(), null, target.test(), null);
    ChannelStats norm = target.unlabeled().channelStats();
    System.out.printf(
        Locale.ROOT,
        "target domain: %d unlabeled, %d/%d labelled train/test, %d seeds; load %s%n",
        target.unlabeled().size(),
        target.train().size(),
        target.test().size(),
        SEEDS,
        java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim());
    List<Row> rows = new ArrayList<>();
    Map<Integer, Row> random = new LinkedHashMap<>();
    try (NDManager m = NDManager.newBaseManager()) {
      Evaluator evaluator =
          new Evaluator(EvaluationConfig.cpu().withSeed(0), m, new FeatureCache());
      if (env("HPT", "0").equals("only")) { // the HPT comparison alone, for the first setting
        String spec = args[0];
        hptVersusTarget(
            parse(spec.substring(spec.indexOf(':') + 1)), train, target, data, evaluator, m);
        return;
      }
      for (String spec : args) {
        String name = spec.substring(0, spec.indexOf(':'));
        PretrainConfig c = parse(spec.substring(spec.indexOf(':') + 1));
        random.computeIfAbsent(
            c.arch().width(),
            w -> {
              Row r = new Row("random init (" + c.arch().id() + ")", c, 0);
              for (int s = SEED0; s < SEED0 + SEEDS; s++) {
                try (NDManager sm = m.newSubManager()) {
                  r.add(
                      score(
                          evaluator,
                          EvaluatedBackbone.randomInit(
                              c.arch(),
                              s,
                              norm,
                              n -> EvaluatedBackbone.Transforms.nativeSize(28, n),
                              sm),
                          data),
                      0);
                }
              }
              r.print();
              return r;
            });
        Row row = new Row(name, c, c.steps());
        for (int s = SEED0; s < SEED0 + SEEDS; s++) {
          long t0 = System.nanoTime();
          try (PretrainSession session =
              new PretrainSession(Strategy.TARGET, c.withSeed(s), target.unlabeled(), null, null)) {
            double loss = 0;
            for (long i = 0; i < c.steps(); i++) loss = session.runStep().loss();
            double wall = (System.nanoTime() - t0) / 1e9;
            double[] sc = score(evaluator, inMemory(session, name + "-" + s), data);
            row.add(sc, wall);
            System.out.printf(
                Locale.ROOT,
                "  %s seed %d: linear %.4f knn %.4f loss %.3f train %.0f s%n",
                name,
                s,
                sc[0],
                sc[1],
                loss,
                wall);
          }
        }
        row.print();
        rows.add(row);
      }
      System.out.println();
      System.out.println(
          "| setting | lr | m | K | crop scale | blur p | steps | linear top-1 (seeds) | kNN top-1 |"
              + " x random | gain / spread | train s/run |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
      for (Row r : random.values()) System.out.println(r.markdown(null));
      for (Row r : rows) System.out.println(r.markdown(random.get(r.config.arch().width())));
      if (env("HPT", "0").equals("1") && !rows.isEmpty()) {
        hptVersusTarget(rows.get(0).config, train, target, data, evaluator, m);
      }
      if (!rows.isEmpty()) {
        Row first = rows.get(0);
        Row rnd = random.get(first.config.arch().width());
        System.out.printf(
            Locale.ROOT,
            "RESULT cpu-profile ratio=%.3f target=1.05%n",
            first.mean(0) / rnd.mean(0));
      }
    }
  }

  /** The demo's comparison: base on clothing, then HPT vs TARGET at equal steps on footwear. */
  static void hptVersusTarget(
      PretrainConfig c,
      ImageSet train,
      FashionMnistDomains.Target target,
      EvaluationData data,
      Evaluator evaluator,
      NDManager m) {
    long baseSteps = Long.parseLong(env("BASE_STEPS", "300"));
    long updateSteps = Long.parseLong(env("UPDATE_STEPS", "100"));
    ImageSet base = FashionMnistDomains.base(train, Integer.parseInt(env("IMAGES", "3000")), 0);
    Row hpt = new Row("HPT (base " + baseSteps + " steps)", c, updateSteps);
    Row scratch = new Row("TARGET", c, updateSteps);
    for (int s = 0; s < SEEDS; s++) {
      try (NDManager keep = m.newSubManager()) {
        ParentModel parent;
        try (PretrainSession b =
            new PretrainSession(
                Strategy.TARGET, c.withSeed(s).withSteps(baseSteps), base, null, null)) {
          for (long i = 0; i < baseSteps; i++) b.runStep();
          parent =
              new ParentModel(
                  b.config().arch(), b.capture(keep).get(TrainState.BACKBONE), "base-" + s, "");
        }
        for (Strategy st : List.of(Strategy.HPT, Strategy.TARGET)) {
          long t0 = System.nanoTime();
          try (PretrainSession u =
              new PretrainSession(
                  st,
                  c.withSeed(100 + s).withSteps(updateSteps),
                  target.unlabeled(),
                  st == Strategy.HPT ? parent : null,
                  null)) {
            for (long i = 0; i < updateSteps; i++) u.runStep();
            double wall = (System.nanoTime() - t0) / 1e9;
            double[] sc = score(evaluator, inMemory(u, st + "-" + s), data);
            (st == Strategy.HPT ? hpt : scratch).add(sc, wall);
            System.out.printf(
                Locale.ROOT, "  %s seed %d: linear %.4f knn %.4f%n", st, s, sc[0], sc[1]);
          }
        }
      }
    }
    System.out.println();
    System.out.println("| update | steps | linear top-1 (seeds) | kNN top-1 | gain / spread |");
    System.out.println("|---|---|---|---|---|");
    System.out.println(hpt.markdownShort(scratch));
    System.out.println(scratch.markdownShort(null));
  }

  static EvaluatedBackbone inMemory(PretrainSession s, String id) {
    ChannelStats norm = s.channelStats();
    return new EvaluatedBackbone(
        id,
        "in-memory-" + id,
        s.model().query().resnet(),
        norm,
        EvaluatedBackbone.Transforms.nativeSize(28, norm));
  }

  /** [linear top-1 (mean over probe reruns), kNN top-1]. */
  static double[] score(Evaluator e, EvaluatedBackbone b, EvaluationData data) {
    List<EvaluationResult> r = e.evaluate(b, data, List.of(Protocol.LINEAR, Protocol.KNN));
    return new double[] {
      r.get(0).metric("top1").orElseThrow().value(), r.get(1).metric("top1").orElseThrow().value()
    };
  }

  static PretrainConfig parse(String spec) {
    PretrainConfig c = PretrainConfig.cpuSmall();
    AugmentConfig a = c.augment();
    MocoConfig mc = c.moco();
    Double lr = null;
    for (String kv : spec.isBlank() ? new String[0] : spec.split(",")) {
      String k = kv.substring(0, kv.indexOf('=')).trim();
      double v = Double.parseDouble(kv.substring(kv.indexOf('=') + 1));
      switch (k) {
        case "lr" -> lr = v;
        case "m" -> mc = new MocoConfig(mc.dim(), mc.queueSize(), v, mc.temperature());
        case "k" -> mc = mc.withQueueSize((int) v);
        case "t" -> mc = new MocoConfig(mc.dim(), mc.queueSize(), mc.momentum(), v);
        case "scale" -> a = a.withScaleMin(v);
        case "blur" -> a = a.withBlurP(v);
        case "width" -> c = c.withArch(c.arch().withWidth((int) v));
        case "size" -> a = a.withSize((int) v);
        case "batch" -> c = c.withBatchSize((int) v);
        case "steps" -> c = c.withSteps((long) v);
        default -> throw new IllegalArgumentException("unknown key " + k);
      }
    }
    c = c.withMoco(mc).withAugment(a);
    if (lr != null) c = c.withBaseLr(lr * 256 / c.batchSize());
    return c;
  }

  static String env(String k, String d) {
    String v = System.getenv(k);
    return v == null || v.isBlank() ? d : v;
  }

  /** Scores of one setting over pretraining seeds. */
  static final class Row {
    final String name;
    final PretrainConfig config;
    final long steps;
    final List<double[]> scores = new ArrayList<>();
    double wall;

    Row(String name, PretrainConfig config, long steps) {
      this.name = name;
      this.config = config;
      this.steps = steps;
    }

    void add(double[] s, double w) {
      scores.add(s);
      wall += w;
    }

    double mean(int i) {
      return scores.stream().mapToDouble(s -> s[i]).average().orElse(Double.NaN);
    }

    /** Sample std over seeds. */
    double std(int i) {
      double mu = mean(i);
      double ss = scores.stream().mapToDouble(s -> (s[i] - mu) * (s[i] - mu)).sum();
      return scores.size() < 2 ? 0 : Math.sqrt(ss / (scores.size() - 1));
    }

    void print() {
      System.out.printf(
          Locale.ROOT,
          "%s: linear %.4f ± %.4f, knn %.4f ± %.4f over %d seeds%n",
          name,
          mean(0),
          std(0),
          mean(1),
          std(1),
          scores.size());
    }

    String markdown(Row random) {
      PretrainConfig c = config;
      String vs =
          random == null ? "-" : String.format(Locale.ROOT, "%.3f", mean(0) / random.mean(0));
      String gain =
          random == null
              ? "-"
              : String.format(
                  Locale.ROOT,
                  "%.1f",
                  (mean(0) - random.mean(0)) / Math.max(std(0), random.std(0)));
      if (steps == 0)
        return String.format(
            Locale.ROOT,
            "| %s | - | - | - | - | - | 0 | %.4f ± %.4f | %.4f ± %.4f | 1 | - | - |",
            name,
            mean(0),
            std(0),
            mean(1),
            std(1));
      return String.format(
          Locale.ROOT,
          "| %s | %.4g | %s | %d | %s | %s | %d | %.4f ± %.4f | %.4f ± %.4f | %s | %s | %s |",
          name,
          c.scaledLr(),
          c.moco().momentum(),
          c.moco().queueSize(),
          c.augment().scaleMin(),
          c.augment().blurP(),
          steps,
          mean(0),
          std(0),
          mean(1),
          std(1),
          vs,
          gain,
          steps == 0 ? "-" : String.format(Locale.ROOT, "%.0f", wall / scores.size()));
    }

    String markdownShort(Row other) {
      String gain =
          other == null
              ? "-"
              : String.format(
                  Locale.ROOT, "%.1f", (mean(0) - other.mean(0)) / Math.max(std(0), other.std(0)));
      return String.format(
          Locale.ROOT,
          "| %s | %d | %.4f ± %.4f | %.4f ± %.4f | %s |",
          name,
          steps,
          mean(0),
          std(0),
          mean(1),
          std(1),
          gain);
    }
  }
}
