package org.hptstream.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.hptstream.features.Features;
import org.hptstream.testing.Fmnist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probe math on real Fashion-MNIST feature matrices (raw pixels, constant rows). Short schedule
 * for CPU tests: batch 256, 300 steps, lr {0.03, 0.3, 3} (pixels in [0, 1] want smaller rates than
 * pooled ResNet features), 3 reruns.
 */
class LinearProbeTest {
  static final LinearProbeConfig SHORT =
      LinearProbeConfig.paper()
          .withSteps(300)
          .withBatchSize(256)
          .withLearningRates(List.of(0.03, 0.3, 3.0));
  static NDManager manager;
  static Features train;
  static Features test;

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager();
    train = Fmnist.pixels(Fmnist.train().slice(0, 3000));
    test = Fmnist.pixels(Fmnist.test().slice(0, 1000));
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  @Test
  void pixelsAreLinearlySeparableWellAboveChance() {
    ProbeResult r = new LinearProbe(SHORT, manager).run(train, null, test, 0, 7);
    assertThat(r.numClasses()).isEqualTo(10);
    assertThat(r.trainSize()).isEqualTo(2700);
    assertThat(r.valSize()).isEqualTo(300);
    assertThat(r.testSize()).isEqualTo(1000);
    assertThat(r.top1().values()).hasSize(3);
    // A linear classifier on Fashion-MNIST pixels reaches ~80% even with little data.
    assertThat(r.top1().mean()).isGreaterThan(0.72);
    assertThat(r.top5().mean()).isGreaterThan(r.top1().mean());
    assertThat(r.valTop1()).hasDimensions(3, 3);
  }

  @Test
  void constantFeaturesScoreAtChance() {
    Features constTrain = Fmnist.constant(Fmnist.train().slice(0, 3000), 64);
    Features constTest = Fmnist.constant(Fmnist.test().slice(0, 1000), 64);
    ProbeResult r = new LinearProbe(SHORT, manager).run(constTrain, null, constTest, 0, 7);
    // Identical rows get identical predictions: at best the share of the most frequent class.
    assertThat(r.top1().mean()).isLessThanOrEqualTo(Fmnist.majorityShare(constTest) + 1e-9);
    assertThat(r.top1().mean()).isBetween(0.05, 0.15);
  }

  @Test
  void sameSeedSameResultOtherSeedOtherRuns() {
    LinearProbeConfig cfg = SHORT.withSteps(60);
    ProbeResult a = new LinearProbe(cfg, manager).run(train, null, test, 0, 11);
    ProbeResult b = new LinearProbe(cfg, manager).run(train, null, test, 0, 11);
    ProbeResult c = new LinearProbe(cfg, manager).run(train, null, test, 0, 12);
    assertThat(b.top1().values()).containsExactly(a.top1().values());
    assertThat(b.valTop1()).isDeepEqualTo(a.valTop1());
    assertThat(c.valTop1()).isNotEqualTo(a.valTop1());
  }

  @Test
  void explicitValidationSplitIsUsedAsIs() {
    Features val = Fmnist.pixels(Fmnist.train().slice(3000, 3500));
    ProbeResult r =
        new LinearProbe(SHORT.withSteps(60).withReruns(1), manager).run(train, val, test, 0, 1);
    assertThat(r.trainSize()).isEqualTo(3000);
    assertThat(r.valSize()).isEqualTo(500);
    assertThat(r.top1().std()).isZero();
  }

  @Test
  void badSplitsAreRejectedClearly() {
    LinearProbe probe = new LinearProbe(SHORT.withSteps(5), manager);
    Features empty = Features.of(new float[0], 0, 784, new int[0]);
    assertThatThrownBy(() -> probe.run(train, null, empty, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test split is missing or empty");
    assertThatThrownBy(() -> probe.run(train, null, null, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test split is missing");
    Features unlabeled = Features.of(test.values(), test.size(), test.dim(), null);
    assertThatThrownBy(() -> probe.run(train, null, unlabeled, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test split has no labels");
    int[] bad = test.labels().clone();
    bad[17] = 12;
    Features outOfRange = Features.of(test.values(), test.size(), test.dim(), bad);
    assertThatThrownBy(() -> probe.run(train, null, outOfRange, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label 12 (row 17) out of range [0, 10)");
  }
}
