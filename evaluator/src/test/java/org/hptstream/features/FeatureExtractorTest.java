package org.hptstream.features;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import org.hptstream.augment.EvalTransform;
import org.hptstream.data.ImageSet;
import org.hptstream.model.ResNet;
import org.hptstream.testing.Backbones;
import org.hptstream.testing.Fmnist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FeatureExtractorTest {
  static NDManager manager;
  static ResNet net;
  static final ImageSet IMAGES = Fmnist.test().slice(0, 64);

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager();
    net = Backbones.random(4, manager);
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  @Test
  void featuresAreEvalModeAndDoNotDependOnTheBatch() {
    Features big =
        new FeatureExtractor(net.backbone(), Backbones.pipeline(), Backbones.plain(), 64)
            .extract(IMAGES, manager);
    Features small =
        new FeatureExtractor(net.backbone(), Backbones.pipeline(), Backbones.plain(), 5)
            .extract(IMAGES, manager);
    assertThat(big.size()).isEqualTo(64);
    assertThat(big.dim()).isEqualTo(net.featureDim());
    assertThat(big.labels()).containsExactly(IMAGES.labels());
    // Train-mode BN would normalise with batch statistics: features would change with the batch.
    float[] a = big.values();
    float[] b = small.values();
    for (int i = 0; i < a.length; i++) {
      assertThat(b[i])
          .isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-4f + 1e-4f * Math.abs(a[i])));
    }
  }

  @Test
  void greyImagesFeedAnRgbBackboneUnderRgbStatistics() {
    // The trainer stores grey domains as RGB (resnet18-...-small, 3 equal channel statistics).
    ai.djl.engine.Engine.getInstance().setRandomSeed(9);
    ResNet rgb = ResNet.backbone(new org.hptstream.model.ResNetConfig(18, 8, true, 3));
    rgb.initialize(manager);
    org.hptstream.data.ChannelStats s = Backbones.stats().expandTo(3);
    Features f =
        new FeatureExtractor(
                rgb.backbone(), new InputPipeline(3), ImageTransform.normalizeOnly(s), 32)
            .extract(IMAGES, manager);
    assertThat(f.dim()).isEqualTo(64);
    Features viaCore =
        new FeatureExtractor(
                rgb.backbone(),
                new InputPipeline(3),
                ImageTransform.of(new EvalTransform(28, 1.0, s)),
                32)
            .extract(IMAGES, manager);
    // Core's resample at the same size is the identity up to rounding.
    for (int i = 0; i < f.values().length; i++) {
      assertThat(viaCore.values()[i])
          .isCloseTo(
              f.values()[i],
              org.assertj.core.data.Offset.offset(1e-2f + 1e-2f * Math.abs(f.values()[i])));
    }
  }

  @Test
  void coreEvalTransformFeedsAGreyBackbone() {
    // Core's transforms give RGB; a one-channel backbone takes the (identical) first channel.
    ImageTransform resizeCrop = ImageTransform.of(new EvalTransform(24, 0.875, Backbones.stats()));
    Features f =
        new FeatureExtractor(net.backbone(), Backbones.pipeline(), resizeCrop, 32)
            .extract(IMAGES, manager);
    assertThat(f.dim()).isEqualTo(net.featureDim());
    assertThat(f.values()).doesNotContain(Float.NaN);
  }
}
