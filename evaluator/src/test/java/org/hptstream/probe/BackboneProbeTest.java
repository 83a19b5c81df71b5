package org.hptstream.probe;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import org.hptstream.data.ImageSet;
import org.hptstream.features.FeatureExtractor;
import org.hptstream.features.Features;
import org.hptstream.model.ResNet;
import org.hptstream.testing.Backbones;
import org.hptstream.testing.Fmnist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The linear probe separates a trained backbone from the same net at random init. Random conv
 * features are already strong on Fashion-MNIST, so the margin is measured against the spread of the
 * reruns, not assumed. Backbone: {@link Backbones#SMALL}, trained as {@link Backbones#BRIEF}
 * states. Probe: the paper's sweep {0.3, 3, 30}, momentum 0.9, wd 0, 3 reruns, with batch 256 and
 * 300 steps on 3,000 train images (300 held out for selection), tested on 1,000 test images.
 */
class BackboneProbeTest {
  static NDManager manager;
  static final ImageSet TRAIN = Fmnist.train().slice(0, 3000);
  static final ImageSet TEST = Fmnist.test().slice(0, 1000);
  static final LinearProbeConfig CFG = LinearProbeConfig.paper().withSteps(300).withBatchSize(256);

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  static ProbeResult probe(ResNet net) {
    FeatureExtractor fx =
        new FeatureExtractor(net.backbone(), Backbones.pipeline(), Backbones.plain(), 250);
    Features train = fx.extract(TRAIN, manager);
    Features test = fx.extract(TEST, manager);
    assertThat(train.dim()).isEqualTo(64);
    return new LinearProbe(CFG, manager).run(train, null, test, 0, 5);
  }

  @Test
  void trainedBackboneBeatsRandomInitByMoreThanThreeSpreads() {
    ProbeResult random = probe(Backbones.random(1, manager));
    ProbeResult trained = probe(Backbones.brieflyTrained(1, manager));
    double spread = Math.max(random.top1().std(), trained.top1().std());
    System.out.printf("probe top-1: random %s, trained %s%n", random.top1(), trained.top1());
    assertThat(random.top1().mean()).isGreaterThan(0.3); // random features are not useless
    assertThat(trained.top1().mean() - random.top1().mean())
        .isGreaterThan(3 * spread)
        .isGreaterThan(0.01);
  }
}
