package org.hptstream.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.Map;
import org.hptstream.model.RandomInit;
import org.hptstream.model.ResNet;
import org.hptstream.strategy.Strategy;
import org.junit.jupiter.api.Test;

/** The random-initialisation row is exactly the network a TARGET job with that seed starts from. */
class RandomInitTest {
  @Test
  void randomInitIsTheStartOfATargetJobWithTheSameSeed() {
    PretrainConfig c = TinyJobs.config(1).withSeed(5);
    try (NDManager m = NDManager.newBaseManager();
        PretrainSession s = new PretrainSession(Strategy.TARGET, c, TinyJobs.data(), null, null)) {
      Map<String, Parameter> job = s.model().query().backboneParameters();
      ResNet same = RandomInit.backbone(c.arch(), 5, m);
      ResNet other = RandomInit.backbone(c.arch(), 6, m);
      assertThat(same.backboneParameters().keySet()).isEqualTo(job.keySet());
      job.forEach(
          (name, p) ->
              assertThat(same.backboneParameters().get(name).getArray().contentEquals(p.getArray()))
                  .as(name)
                  .isTrue());
      assertThat(
              other
                  .backboneParameters()
                  .get("conv1.weight")
                  .getArray()
                  .contentEquals(job.get("conv1.weight").getArray()))
          .isFalse();
    }
  }
}
