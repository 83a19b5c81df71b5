package org.hptstream.bench.augment;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import org.hptstream.data.ImageSet;
import org.hptstream.moco.MocoConfig;
import org.hptstream.moco.MocoModel;
import org.hptstream.moco.MocoTrainer;
import org.hptstream.model.ResNetConfig;
import org.hptstream.optim.Sgd;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Statistics;

/**
 * Our side of ops/bench/augment. Args: mode batch size reps. aug-grey / aug-rgb: two-view MoCo v2
 * augmentation of the first 4,096 Fashion-MNIST training images (rgb: tinted per image exactly as
 * reference.py does), measured by JMH ({@link AugmentThroughput}), prints "OURS <img/s median>
 * <min> <max>". step: images/s of a cpu-small MoCo training step (views made beforehand), prints
 * "STEP <img/s>".
 */
public class AugmentBench {
  public static void main(String[] a) throws Exception {
    String mode = a[0];
    int batch = Integer.parseInt(a[1]);
    int size = Integer.parseInt(a[2]);
    int reps = Integer.parseInt(a[3]);
    if (mode.equals("step")) {
      System.out.printf("STEP %.1f%n", stepRate(batch, size, reps));
      return;
    }
    double[] r = rate(mode.substring("aug-".length()), batch, size, reps);
    System.out.printf("OURS %.1f %.1f %.1f%n", r[0], r[1], r[2]);
  }

  /**
   * Median, min, max images/s of {@link AugmentThroughput} over {@code reps} one-second JMH
   * iterations after two warm-up ones, in this JVM (the run script starts one per measurement and
   * alternates it with the reference).
   */
  static double[] rate(String colour, int batch, int size, int reps) throws RunnerException {
    Options options =
        new OptionsBuilder()
            .include(AugmentThroughput.class.getName())
            .param("colour", colour)
            .param("batch", String.valueOf(batch))
            .param("size", String.valueOf(size))
            .forks(0)
            .warmupIterations(2)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(reps)
            .measurementTime(TimeValue.seconds(1))
            .verbosity(VerboseMode.SILENT)
            .build();
    Statistics ops = new Runner(options).runSingle().getPrimaryResult().getStatistics();
    return new double[] {ops.getPercentile(50) * batch, ops.getMin() * batch, ops.getMax() * batch};
  }

  /** Grey image i times the tint 0.3 + 0.7 * frac((i + 1) * g_c), g = (0.618, 0.414, 0.732). */
  static ImageSet tinted(ImageSet grey) {
    int n = grey.size(), p = grey.height() * grey.width();
    double[] g = {0.618, 0.414, 0.732};
    byte[] src = grey.pixels();
    byte[] out = new byte[n * 3 * p];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 3; c++) {
        double x = (i + 1) * g[c];
        double t = 0.3 + 0.7 * (x - Math.floor(x));
        for (int k = 0; k < p; k++)
          out[(i * 3 + c) * p + k] = (byte) Math.rint((src[i * p + k] & 0xff) * t);
      }
    }
    return ImageSet.of(out, n, 3, grey.height(), grey.width(), null);
  }

  /** Images/s of the cpu-small profile's MoCo step (ResNet-18 width 16, small-image stem). */
  static double stepRate(int batch, int size, int reps) {
    Engine.getInstance().setRandomSeed(0);
    try (NDManager root = NDManager.newBaseManager()) {
      MocoModel model =
          new MocoModel(
              root,
              new ResNetConfig(18, 16, true, 3),
              new MocoConfig(128, 4096, 0.999, 0.2),
              new Random(0));
      Sgd sgd = Sgd.builder().group("all", model.query().allParameters(), 1, 1e-4).build();
      MocoTrainer t = new MocoTrainer(model, null, sgd, 0);
      double[] r = new double[reps];
      for (int i = -2; i < reps; i++) {
        try (NDManager m = root.newSubManager()) {
          NDArray q = m.randomNormal(new Shape(batch, 3, size, size));
          NDArray k = m.randomNormal(new Shape(batch, 3, size, size));
          long t0 = System.nanoTime();
          t.trainOnViews(q, k, i + 2, 0.01);
          if (i >= 0) r[i] = batch / ((System.nanoTime() - t0) / 1e9);
        }
      }
      Arrays.sort(r);
      return r[reps / 2];
    }
  }
}
