package org.hptstream.bench.memory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hptstream.augment.AugmentConfig;
import org.hptstream.data.FashionMnist;
import org.hptstream.moco.MocoConfig;
import org.hptstream.model.ResNetConfig;
import org.hptstream.pretrain.PretrainConfig;
import org.hptstream.pretrain.PretrainJob;
import org.hptstream.pretrain.StepReport;
import org.hptstream.pretrain.TrainingListener;
import org.hptstream.strategy.Strategy;

/**
 * ops/bench/memory: resident set size of a whole small-net pretraining job (augmentation, MoCo
 * steps, periodic checkpoints) over STEPS steps, sampled every 50 steps. Args: steps out-dir.
 * Prints "RSS <step> <MiB>" lines and "GROWTH <mid MiB> <end MiB>".
 */
public class MemoryBench {
  public static void main(String[] a) throws Exception {
    long steps = Long.parseLong(a[0]);
    Path out = Path.of(a[1]);
    PretrainConfig c =
        PretrainConfig.cpuSmall()
            .withArch(new ResNetConfig(18, 8, true, 3))
            .withAugment(AugmentConfig.hptDefault(16))
            .withMoco(new MocoConfig(32, 256, 0.99, 0.2))
            .withBatchSize(16)
            .withSteps(steps)
            .withCheckpointEvery(250);
    List<long[]> rss = new ArrayList<>();
    PretrainJob job =
        new PretrainJob()
            .addListener(
                new TrainingListener() {
                  @Override
                  public void onStep(StepReport r) {
                    if (r.step() % 50 == 0) {
                      long mib = rssMib();
                      rss.add(new long[] {r.step(), mib});
                      System.out.printf("RSS %d %d%n", r.step(), mib);
                    }
                  }
                });
    var data = FashionMnist.train().slice(0, 8192).withoutLabels();
    job.run(
        new PretrainJob.Request(
            Strategy.TARGET, null, data, "fashion-mnist", "bench", out, c, false, null));
    long mid = rss.get(rss.size() / 2 - 1)[1];
    long end = rss.get(rss.size() - 1)[1];
    System.out.printf("GROWTH %d %d%n", mid, end);
  }

  static long rssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmRSS");
  }
}
