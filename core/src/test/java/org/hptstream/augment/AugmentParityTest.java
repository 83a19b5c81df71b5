package org.hptstream.augment;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.hptstream.data.ChannelStats;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.hptstream.model.TorchvisionWeights;
import org.hptstream.testkit.PythonReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Augmentation parity in distribution: our batched MoCo v2 views and the official pipeline
 * (main_moco.py's torchvision/PIL transforms, {@code parity/augment_views.py}) on the same tinted
 * Fashion-MNIST images, many seeded draws each. Per stage (crop area and aspect, jitter rate and
 * factors, grey, blur and flip rates, blur sigma) and for the outputs (per-view pixel mean and std
 * of every channel), mean and variance agree within {@value #Z} standard errors of their difference
 * (standard errors from the sample sizes and the samples' own moments).
 */
class AugmentParityTest {
  static final double Z = 4;
  static final int IMAGES = 250;
  static final int REPEATS = 8;

  @TempDir Path dir;

  @Test
  void ourViewsAndTheOfficialPipelineAgreeInDistribution() throws IOException {
    AugmentConfig c = AugmentConfig.hptDefault(32);
    ImageSet grey = FashionMnist.test().slice(0, IMAGES);
    byte[] rgb = tint(grey);
    int h = grey.height();
    int w = grey.width();
    float[] mean = {0.3f, 0.3f, 0.3f};
    float[] std = {0.3f, 0.3f, 0.3f};
    Map<String, double[]> ours = new LinkedHashMap<>();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray images = m.create(rgb, new Shape(IMAGES, 3, h, w)).toType(DataType.UINT8, false);
      TorchvisionWeights.writeNpz(new NDList(named(images, "images")), dir.resolve("in.npz"));
      BatchAugmenter aug = new BatchAugmenter(c, new ChannelStats(mean, std));
      Random rng = new Random(1);
      List<ViewDraw> all = new ArrayList<>();
      List<float[]> pix = new ArrayList<>();
      for (int r = 0; r < REPEATS; r++) {
        try (NDManager sm = m.newSubManager()) {
          List<ViewDraw> draws = aug.draw(images.getShape(), rng);
          NDArray out = aug.apply(images, draws);
          out.attach(sm);
          NDArray flat = out.reshape(IMAGES, 3, -1);
          NDArray mu = flat.mean(new int[] {2}, true);
          float[] a = mu.toFloatArray();
          float[] v = flat.sub(mu).square().mean(new int[] {2}).sqrt().toFloatArray();
          for (int i = 0; i < IMAGES; i++)
            pix.add(
                new float[] {
                  a[i * 3], a[i * 3 + 1], a[i * 3 + 2], v[i * 3], v[i * 3 + 1], v[i * 3 + 2]
                });
          all.addAll(draws);
        }
      }
      int n = all.size();
      for (String k :
          List.of(
              "area",
              "aspect",
              "jittered",
              "brightness",
              "contrast",
              "saturation",
              "hue",
              "gray",
              "sigma",
              "flip",
              "mean0",
              "mean1",
              "mean2",
              "std0",
              "std1",
              "std2")) ours.put(k, new double[n]);
      for (int i = 0; i < n; i++) {
        ViewDraw d = all.get(i);
        ours.get("area")[i] = (double) d.height() * d.width() / (h * w);
        ours.get("aspect")[i] = (double) d.width() / d.height();
        ours.get("jittered")[i] = d.jittered() ? 1 : 0;
        ours.get("brightness")[i] = d.brightness();
        ours.get("contrast")[i] = d.contrast();
        ours.get("saturation")[i] = d.saturation();
        ours.get("hue")[i] = d.hue();
        ours.get("gray")[i] = d.gray() ? 1 : 0;
        ours.get("sigma")[i] = d.sigma();
        ours.get("flip")[i] = d.flip() ? 1 : 0;
        for (int ch = 0; ch < 3; ch++) {
          ours.get("mean" + ch)[i] = pix.get(i)[ch];
          ours.get("std" + ch)[i] = pix.get(i)[3 + ch];
        }
      }

      PythonReference.run(
          getClass(),
          dir,
          "parity/augment_views.py",
          List.of(
              dir.resolve("in.npz").toString(),
              dir.resolve("out.npz").toString(),
              String.valueOf(REPEATS),
              "1",
              String.valueOf(c.size()),
              String.valueOf(c.scaleMin()),
              String.valueOf(c.scaleMax()),
              String.valueOf(c.ratioMin()),
              String.valueOf(c.ratioMax()),
              String.valueOf(c.jitterP()),
              String.valueOf(c.brightness()),
              String.valueOf(c.contrast()),
              String.valueOf(c.saturation()),
              String.valueOf(c.hue()),
              String.valueOf(c.grayP()),
              String.valueOf(c.blurP()),
              String.valueOf(c.sigmaMin()),
              String.valueOf(c.sigmaMax()),
              String.valueOf(c.flipP()),
              String.valueOf(mean[0]),
              String.valueOf(std[0])));
      Map<String, double[]> ref = new LinkedHashMap<>();
      for (NDArray a : TorchvisionWeights.read(dir.resolve("out.npz"), m))
        ref.put(a.getName(), a.toDoubleArray());

      List<String> off = new ArrayList<>();
      double[] jo = ours.get("jittered");
      double[] jr = ref.get("jittered");
      for (var e : ours.entrySet()) {
        String k = e.getKey();
        double[] a = e.getValue();
        double[] b = ref.get(k);
        assertThat(b).as(k).hasSize(n);
        // jitter factors: over jittered views only; sigma: over blurred views only
        if (List.of("brightness", "contrast", "saturation", "hue").contains(k)) {
          a = where(a, jo);
          b = where(b, jr);
        } else if (k.equals("sigma")) {
          a = where(a, a);
          b = where(b, b);
        }
        compare(k, a, b, off);
      }
      assertThat(off).as("statistics beyond %s standard errors", Z).isEmpty();
    }
  }

  /** Compares mean and variance; prints both and adds a line to {@code off} when beyond Z SE. */
  static void compare(String k, double[] a, double[] b, List<String> off) {
    double[] ma = moments(a);
    double[] mb = moments(b);
    double seMean = Math.sqrt(ma[1] / a.length + mb[1] / b.length);
    // SE of a sample variance: sqrt((m4 - var^2) / n)
    double seVar =
        Math.sqrt((ma[2] - ma[1] * ma[1]) / a.length + (mb[2] - mb[1] * mb[1]) / b.length);
    double zMean =
        seMean == 0
            ? (ma[0] == mb[0] ? 0 : Double.POSITIVE_INFINITY)
            : Math.abs(ma[0] - mb[0]) / seMean;
    double zVar =
        seVar == 0
            ? (ma[1] == mb[1] ? 0 : Double.POSITIVE_INFINITY)
            : Math.abs(ma[1] - mb[1]) / seVar;
    String line =
        String.format(
            Locale.ROOT,
            "%-10s n %5d/%5d mean %.4f vs %.4f (z %.1f)  var %.5f vs %.5f (z %.1f)",
            k,
            a.length,
            b.length,
            ma[0],
            mb[0],
            zMean,
            ma[1],
            mb[1],
            zVar);
    System.out.println("augment parity " + line);
    if (!(zMean <= Z && zVar <= Z)) off.add(line);
  }

  /** Mean, variance and fourth central moment. */
  static double[] moments(double[] x) {
    double mu = 0;
    for (double v : x) mu += v;
    mu /= x.length;
    double m2 = 0;
    double m4 = 0;
    for (double v : x) {
      double d = (v - mu) * (v - mu);
      m2 += d;
      m4 += d * d;
    }
    return new double[] {mu, m2 / x.length, m4 / x.length};
  }

  static double[] where(double[] x, double[] mask) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < x.length; i++) if (mask[i] != 0) out.add(x[i]);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Grey images times a seeded random colour per image: saturation and hue have work to do. */
  static byte[] tint(ImageSet grey) {
    int plane = grey.height() * grey.width();
    byte[] px = grey.pixels();
    byte[] out = new byte[grey.size() * 3 * plane];
    Random r = new Random(7);
    for (int i = 0; i < grey.size(); i++) {
      for (int ch = 0; ch < 3; ch++) {
        double f = 0.3 + 0.7 * r.nextDouble();
        for (int p = 0; p < plane; p++)
          out[(i * 3 + ch) * plane + p] = (byte) Math.round((px[i * plane + p] & 0xff) * f);
      }
    }
    return out;
  }

  static NDArray named(NDArray a, String name) {
    a.setName(name);
    return a;
  }
}
