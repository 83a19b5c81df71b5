package org.hptstream.bench.augment;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import org.hptstream.augment.AugmentConfig;
import org.hptstream.augment.TwoViewAugmenter;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.hptstream.moco.MocoConfig;
import org.hptstream.moco.MocoModel;
import org.hptstream.moco.MocoTrainer;
import org.hptstream.model.ResNetConfig;
import org.hptstream.optim.Sgd;

/**
 * Our side of ops/bench/augment. Args: mode batch size reps. aug-grey / aug-rgb: two-view MoCo v2
 * augmentation of the first 4,096 Fashion-MNIST training images (rgb: tinted per image exactly as
 * reference.py does), prints "OURS <img/s median> <min> <max>". step: images/s of a cpu-small MoCo
 * training step (views made beforehand), prints "STEP <img/s>".
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
    ImageSet data = FashionMnist.train().slice(0, 4096);
    if (mode.equals("aug-rgb")) data = tinted(data);
    double[] r =
        rate(
            new TwoViewAugmenter(AugmentConfig.mocoV2(size), data.channelStats()),
            data,
            batch,
            reps);
    System.out.printf("OURS %.1f %.1f %.1f%n", r[0], r[1], r[2]);
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

  /** median, min, max images/s over reps timed batches (after 3 warm-ups). */
  static double[] rate(TwoViewAugmenter aug, ImageSet data, int batch, int reps) {
    double[] r = new double[reps];
    try (NDManager root = NDManager.newBaseManager()) {
      for (int i = -3; i < reps; i++) {
        try (NDManager m = root.newSubManager()) {
          int from = Math.floorMod(i, data.size() / batch) * batch;
          long t0 = System.nanoTime();
          NDArray x = data.toNDArray(m, from, from + batch);
          NDList v = aug.views(x, 7, i + 3);
          v.get(0).toFloatArray(); // force completion
          v.get(1).toFloatArray();
          double s = (System.nanoTime() - t0) / 1e9;
          if (i >= 0) r[i] = batch / s;
        }
      }
    }
    Arrays.sort(r);
    return new double[] {r[reps / 2], r[0], r[reps - 1]};
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
