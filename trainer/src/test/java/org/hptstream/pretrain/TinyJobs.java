package org.hptstream.pretrain;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.hptstream.augment.AugmentConfig;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.hptstream.moco.MocoConfig;
import org.hptstream.model.ResNetConfig;

/** Small real jobs for tests: real Fashion-MNIST, real libtorch, a narrow small-image ResNet-18. */
final class TinyJobs {
  private static ImageSet data;

  private TinyJobs() {}

  /** 1,024 unlabeled Fashion-MNIST test images. */
  static synchronized ImageSet data() {
    if (data == null) {
      try {
        data = FashionMnist.test().slice(0, 1024).withoutLabels();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return data;
  }

  /** ResNet-18 of width 8 at 16 px, batch 16, K 128. */
  static PretrainConfig config(long steps) {
    return PretrainConfig.cpuSmall()
        .withArch(new ResNetConfig(18, 8, true, 3))
        .withAugment(AugmentConfig.hptDefault(16))
        .withMoco(new MocoConfig(32, 128, 0.99, 0.2))
        .withBatchSize(16)
        .withSteps(steps)
        .withBaseLr(0.48) // 0.03 at batch 16: visible progress in a few dozen steps
        .withCheckpointEvery(Math.max(1, steps / 2))
        .withSeed(42);
  }
}
