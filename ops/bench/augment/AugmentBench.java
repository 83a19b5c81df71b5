import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.hptstream.augment.AugmentConfig;
import org.hptstream.augment.TwoViewAugmenter;
import org.hptstream.data.ChannelStats;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;

/**
 * Two-view MoCo v2 augmentation throughput of org.hptstream.augment on Fashion-MNIST.
 * Args: batch size reps [stage-profile]. Prints "OURS <img/s> <spread>" (two views per image).
 */
public class AugmentBench {
  public static void main(String[] a) throws Exception {
    int batch = Integer.parseInt(a[0]);
    int size = Integer.parseInt(a[1]);
    int reps = Integer.parseInt(a[2]);
    boolean stages = a.length > 3;
    ImageSet data = FashionMnist.train().slice(0, 4096);
    ChannelStats stats = data.channelStats();
    AugmentConfig full = AugmentConfig.mocoV2(size);
    if (stages) {
      AugmentConfig crop = AugmentConfig.linearProbe(size);
      System.out.printf("crop+flip      %8.0f img/s%n", rate(new TwoViewAugmenter(crop, stats), data, batch, reps)[0]);
      AugmentConfig jit = new AugmentConfig(size, .2, 1, .75, 4 / 3.0, .5, .8, .4, .4, .4, .1, 0, 0, 0, 0);
      System.out.printf("+jitter        %8.0f img/s%n", rate(new TwoViewAugmenter(jit, stats), data, batch, reps)[0]);
      AugmentConfig blur = new AugmentConfig(size, .2, 1, .75, 4 / 3.0, .5, 0, 0, 0, 0, 0, 0.2, .5, full.sigmaMin(), full.sigmaMax());
      System.out.printf("crop+gray+blur %8.0f img/s%n", rate(new TwoViewAugmenter(blur, stats), data, batch, reps)[0]);
    }
    double[] r = rate(new TwoViewAugmenter(full, stats), data, batch, reps);
    System.out.printf("OURS %.1f %.1f %.1f%n", r[0], r[1], r[2]);
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
}
