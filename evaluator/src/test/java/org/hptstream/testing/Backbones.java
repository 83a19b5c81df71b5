package org.hptstream.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.hptstream.data.ChannelStats;
import org.hptstream.data.ImageSet;
import org.hptstream.features.ImageTransform;
import org.hptstream.features.InputPipeline;
import org.hptstream.model.ResNet;
import org.hptstream.model.ResNetConfig;
import org.hptstream.semisup.FineTuneConfig;
import org.hptstream.semisup.FineTuner;

/**
 * Small real networks for CPU tests: ResNet-18 at width 8 with the small-image stem on 28x28 grey
 * Fashion-MNIST (64-dim pooled features).
 */
public final class Backbones {
  public static final ResNetConfig SMALL = new ResNetConfig(18, 8, true, 1);

  /**
   * How the "briefly trained" backbone is made: supervised training from scratch (lr 0.05, head at
   * 1x, batch 64, 150 steps, x0.1 at 1/3 and 2/3, momentum 0.9, wd 5e-4, no augmentation) on
   * Fashion-MNIST train images 20,000-23,999, disjoint from every split the probes use.
   */
  public static final FineTuneConfig BRIEF =
      new FineTuneConfig(
          4000, List.of(0.05), 1, 0.9, 5e-4, 64, 150, List.of(1.0 / 3, 2.0 / 3), 0.1, 1);

  private Backbones() {}

  /** Fashion-MNIST's pixel statistics, the normalisation every test net uses. */
  public static ChannelStats stats() {
    return Fmnist.train().slice(0, 10000).channelStats();
  }

  public static InputPipeline pipeline() {
    return new InputPipeline(1);
  }

  /** Normalisation only: images at their own 28x28 size. */
  public static ImageTransform plain() {
    return ImageTransform.normalizeOnly(stats());
  }

  /** A randomly initialised net (torchvision init, seeded) with a 10-class head. */
  public static ResNet random(long seed, NDManager manager) {
    Engine.getInstance().setRandomSeed((int) seed);
    ResNet net = ResNet.withClassifier(SMALL, 10);
    net.initialize(manager);
    return net;
  }

  /** The same random net after the {@link #BRIEF} supervised training. */
  public static ResNet brieflyTrained(long seed, NDManager manager) {
    ResNet net = random(seed, manager);
    ImageSet disjoint = Fmnist.train().slice(20000, 24000);
    new FineTuner(pipeline(), plain(), plain())
        .train(net, disjoint, BRIEF, BRIEF.learningRates().get(0), seed, manager);
    return net;
  }
}
