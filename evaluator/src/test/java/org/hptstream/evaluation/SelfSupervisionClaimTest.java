package org.hptstream.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hptstream.data.ChannelStats;
import org.hptstream.data.FashionMnistDomains;
import org.hptstream.features.FeatureCache;
import org.hptstream.pretrain.PretrainConfig;
import org.hptstream.pretrain.PretrainSession;
import org.hptstream.strategy.Strategy;
import org.hptstream.testing.Fmnist;
import org.junit.jupiter.api.Test;

/**
 * The product's claim, measured: MoCo v2 trained on unlabeled images gives frozen features that a
 * linear probe separates better than the features of the random network the training started from,
 * by more than 3x the spread over pretraining seeds. The supervised comparison ({@code
 * BackboneProbeTest}) only shows that the probe can tell features apart; this one shows that
 * self-supervision is what improves them.
 *
 * <p>Data: the demo's target domain (Fashion-MNIST footwear and bags; 3,000 unlabeled images,
 * 2,000/2,000 labelled train/test). Training: the {@code cpu-small} recipe (lr 0.06 at batch 32,
 * key momentum 0.99, K 1,024, MoCo v2 augmentation at 32 px) on a narrower net so that three
 * pretraining seeds fit in CI. Random row: the same architecture with the same seeds, i.e. exactly
 * the networks the three jobs start from. Both scored by the evaluator's {@code cpu} linear probe.
 */
class SelfSupervisionClaimTest {
  static final int SEEDS = 3;
  static final int WIDTH = 8;
  static final long STEPS = 600;

  @Test
  void mocoTrainedBackboneBeatsItsRandomInitByMoreThanThreeSpreads() {
    FashionMnistDomains.Target domain =
        FashionMnistDomains.target(Fmnist.train(), Fmnist.test(), 3000, 2000, 2000, 0);
    EvaluationData data = new EvaluationData(domain.train(), null, domain.test(), null);
    ChannelStats norm = domain.unlabeled().channelStats();
    PretrainConfig profile = PretrainConfig.cpuSmall();
    profile = profile.withArch(profile.arch().withWidth(WIDTH)).withSteps(STEPS);
    List<Double> random = new ArrayList<>();
    List<Double> trained = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager()) {
      Evaluator evaluator =
          new Evaluator(EvaluationConfig.cpu().withSeed(0), m, new FeatureCache());
      for (int seed = 0; seed < SEEDS; seed++) {
        try (NDManager sm = m.newSubManager()) {
          random.add(
              linearTop1(
                  evaluator,
                  EvaluatedBackbone.randomInit(
                      profile.arch(), seed, norm, SelfSupervisionClaimTest::transforms, sm),
                  data));
        }
        try (PretrainSession session =
            new PretrainSession(
                Strategy.TARGET, profile.withSeed(seed), domain.unlabeled(), null, null)) {
          double loss = Double.NaN;
          for (long i = 0; i < STEPS; i++) loss = session.runStep().loss();
          assertThat(loss).as("final MoCo loss of seed %d", seed).isFinite();
          String id = "moco-seed" + seed;
          trained.add(
              linearTop1(
                  evaluator,
                  new EvaluatedBackbone(
                      id,
                      "in-memory-" + id,
                      session.model().query().resnet(),
                      session.channelStats(),
                      transforms(session.channelStats())),
                  data));
        }
      }
    }
    double spread = Math.max(std(random), std(trained));
    System.out.printf(
        Locale.ROOT,
        "linear top-1 over %d seeds: random %.4f ± %.4f %s, MoCo %d steps %.4f ± %.4f %s%n",
        SEEDS,
        mean(random),
        std(random),
        random,
        STEPS,
        mean(trained),
        std(trained),
        trained);
    assertThat(mean(random)).as("random features are not useless").isGreaterThan(0.5);
    assertThat(mean(trained) - mean(random))
        .as("gain of MoCo over its random init, against 3x the spread over seeds")
        .isGreaterThan(3 * spread);
  }

  /** Images at their own 28 px, as the cpu-profile sweep evaluates them. */
  static EvaluatedBackbone.Transforms transforms(ChannelStats norm) {
    return EvaluatedBackbone.Transforms.nativeSize(28, norm);
  }

  static double linearTop1(Evaluator e, EvaluatedBackbone b, EvaluationData data) {
    return e.evaluate(b, data, List.of(Protocol.LINEAR))
        .get(0)
        .metric("top1")
        .orElseThrow()
        .value();
  }

  static double mean(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  /** Sample standard deviation. */
  static double std(List<Double> v) {
    double mu = mean(v);
    return Math.sqrt(v.stream().mapToDouble(x -> (x - mu) * (x - mu)).sum() / (v.size() - 1));
  }
}
