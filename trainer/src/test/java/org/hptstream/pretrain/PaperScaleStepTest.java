package org.hptstream.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import org.hptstream.moco.MocoTrainer;
import org.hptstream.model.ResNetConfig;
import org.hptstream.strategy.Strategy;
import org.junit.jupiter.api.Test;

/**
 * The paper profile's network: ResNet-50, 224 px, 2048-2048-128 head; one MoCo step on CPU at batch
 * 2.
 */
class PaperScaleStepTest {
  @Test
  void resnet50At224TakesOneMocoStep() {
    PretrainConfig paper = PretrainConfig.paper();
    PretrainConfig c =
        paper.withBatchSize(2).withMoco(paper.moco().withQueueSize(16)).withSteps(10);
    assertThat(c.arch()).isEqualTo(ResNetConfig.resnet50());
    assertThat(c.imageSize()).isEqualTo(224);
    try (PretrainSession s = new PretrainSession(Strategy.TARGET, c, TinyJobs.data(), null, null)) {
      assertThat(
              s.model().query().headParameters().get("0.weight").getArray().getShape().getShape())
          .containsExactly(2048, 2048);
      NDArray conv1 =
          s.model().query().backboneParameters().get("conv1.weight").getArray().duplicate();
      MocoTrainer.StepResult r = s.runStep();
      assertThat(r.loss()).isFinite().isPositive();
      assertThat(s.model().queue().pointer()).isEqualTo(2);
      assertThat(
              s.model()
                  .query()
                  .backboneParameters()
                  .get("conv1.weight")
                  .getArray()
                  .contentEquals(conv1))
          .isFalse();
      // the momentum update ran before the step, when key == query: the key encoder still holds the
      // start
      // (up to float rounding of m*k + (1-m)*k)
      NDArray key = s.model().key().backboneParameters().get("conv1.weight").getArray();
      assertThat(key.sub(conv1).abs().max().getFloat()).isLessThan(1e-6f);
      conv1.close();
    }
  }
}
