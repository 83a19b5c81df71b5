package org.hptstream.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.hptstream.data.ChannelStats;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchAugmenterTest {
  static NDManager manager;
  static ImageSet fashion;
  static final ChannelStats UNIT = new ChannelStats(new float[] {0}, new float[] {1});

  @BeforeAll
  static void start() {
    manager = NDManager.newBaseManager();
    try {
      fashion = FashionMnist.test();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stop() {
    manager.close();
  }

  @Test
  void fullSizeResampleIsIdentityAndDownsampleIsAntialiased() {
    try (NDManager m = manager.newSubManager()) {
      NDArray id =
          Resample.bilinear(
              m, Device.cpu(), new float[] {0}, new float[] {8}, new float[] {0}, 8, 8);
      assertThat(id.squeeze(0).sub(m.eye(8)).abs().max().getFloat()).isLessThan(1e-6f);
      NDArray half =
          Resample.bilinear(
              m, Device.cpu(), new float[] {0}, new float[] {16}, new float[] {0}, 8, 16);
      // PIL's bilinear 2x reduction: taps 1/8, 3/8, 3/8, 1/8 around each output pixel
      float[] row = half.get(0, 3).toFloatArray();
      assertThat(row[5]).isCloseTo(0.125f, within(1e-6f));
      assertThat(row[6]).isCloseTo(0.375f, within(1e-6f));
      assertThat(row[7]).isCloseTo(0.375f, within(1e-6f));
      assertThat(row[8]).isCloseTo(0.125f, within(1e-6f));
      NDArray flipped =
          Resample.bilinear(
              m, Device.cpu(), new float[] {0}, new float[] {16}, new float[] {1}, 8, 16);
      assertThat(flipped.get(0).flip(0).sub(half.get(0)).abs().max().getFloat()).isLessThan(1e-6f);
    }
  }

  @Test
  void blurKeepsConstantImagesAndIsIdentityWhenOff() {
    try (NDManager m = manager.newSubManager()) {
      NDArray x = m.ones(new Shape(2, 3, 16, 16)).mul(0.25f);
      x.set(new ai.djl.ndarray.index.NDIndex("1, :, 4:8, 4:8"), 1f);
      NDArray y = Resample.blur(m, Device.cpu(), x, new float[] {2f, 0f});
      assertThat(y.get(0).sub(0.25f).abs().max().getFloat()).isLessThan(1e-6f);
      assertThat(y.get(1).contentEquals(x.get(1))).isTrue();
      NDArray z = Resample.blur(m, Device.cpu(), x, new float[] {0f, 1.5f});
      assertThat(z.get(1, 0, 6, 6).getFloat()).isLessThan(0.9f); // the bright square spreads
    }
  }

  @Test
  void batchedViewsEqualViewsComputedOneImageAtATime() {
    // tint real images so that saturation and hue act; the batch regrouping must not mix images up
    BatchAugmenter aug =
        new BatchAugmenter(
            AugmentConfig.hptDefault(24), new ChannelStats(new float[] {0.3f}, new float[] {0.3f}));
    try (NDManager m = manager.newSubManager()) {
      NDArray grey = fashion.toNDArray(m, 0, 24).toType(DataType.FLOAT32, false);
      NDArray tint = m.randomUniform(0.3f, 1f, new Shape(24, 3, 1, 1));
      NDArray rgb = grey.mul(tint).round().toType(DataType.UINT8, false);
      List<ViewDraw> draws = aug.draw(rgb.getShape(), new Random(3));
      NDArray batched = aug.apply(rgb, draws);
      for (int i = 0; i < 24; i++) {
        NDArray single = aug.apply(rgb.get(i + ":" + (i + 1)), List.of(draws.get(i)));
        assertThat(single.sub(batched.get(i + ":" + (i + 1))).abs().max().getFloat())
            .as("image %d", i)
            .isLessThan(1e-4f);
      }
    }
  }

  @Test
  void saturationZeroGivesGreyAndContrastZeroGivesTheMeanGrey() {
    BatchAugmenter aug = new BatchAugmenter(AugmentConfig.hptDefault(28), UNIT);
    try (NDManager m = manager.newSubManager()) {
      NDArray grey = fashion.toNDArray(m, 0, 2).toType(DataType.FLOAT32, false);
      NDArray rgb =
          grey.mul(m.create(new float[] {1f, 0.5f, 0.25f}, new Shape(1, 3, 1, 1)))
              .round()
              .toType(DataType.UINT8, false);
      List<ViewDraw> d =
          List.of(
              new ViewDraw(0, 0, 28, 28, false, new int[] {2, 0, 1, 3}, 1f, 1f, 0f, 0f, false, 0),
              new ViewDraw(0, 0, 28, 28, false, new int[] {1, 0, 2, 3}, 1f, 0f, 1f, 0f, false, 0));
      NDArray out = aug.apply(rgb, d);
      NDArray x = rgb.toType(DataType.FLOAT32, false).div(255f);
      NDArray g =
          x.get("0:1")
              .mul(m.create(new float[] {0.2989f, 0.587f, 0.114f}, new Shape(1, 3, 1, 1)))
              .sum(new int[] {1}, true);
      assertThat(out.get("0:1").sub(g).abs().max().getFloat()).isLessThan(1e-5f);
      NDArray g1 =
          x.get("1:2")
              .mul(m.create(new float[] {0.2989f, 0.587f, 0.114f}, new Shape(1, 3, 1, 1)))
              .sum(new int[] {1}, true);
      float mean = g1.mean().getFloat();
      assertThat(out.get("1:2").sub(mean).abs().max().getFloat()).isLessThan(1e-5f);
    }
  }

  @Test
  void hueShiftRotatesPrimaries() {
    try (NDManager m = manager.newSubManager()) {
      NDArray red = m.create(new float[] {1, 0, 0, 0.2f, 0.6f, 0.4f}, new Shape(2, 3, 1, 1));
      NDArray third =
          BatchAugmenter.shiftHue(red, m.create(new float[] {1f / 3, 0}, new Shape(2, 1, 1, 1)));
      assertThat(third.get(0).toFloatArray()).containsExactly(new float[] {0, 1, 0}, within(1e-5f));
      assertThat(third.get(1).toFloatArray())
          .containsExactly(new float[] {0.2f, 0.6f, 0.4f}, within(1e-5f));
    }
  }

  @Test
  void drawsAreIndependentPerImageAndFollowTheProbabilities() {
    BatchAugmenter aug = new BatchAugmenter(AugmentConfig.mocoV2(32), UNIT);
    int n = 4000;
    List<ViewDraw> d = aug.draw(new Shape(n, 1, 28, 28), new Random(7));
    double flips = 0, jit = 0, gray = 0, blur = 0, bothFlip = 0;
    double[] area = new double[n];
    for (int i = 0; i < n; i++) {
      ViewDraw v = d.get(i);
      flips += v.flip() ? 1 : 0;
      jit += v.jittered() ? 1 : 0;
      gray += v.gray() ? 1 : 0;
      blur += v.sigma() > 0 ? 1 : 0;
      if (i > 0 && v.flip() && d.get(i - 1).flip()) bothFlip++;
      area[i] = v.height() * v.width() / (28.0 * 28);
      assertThat(area[i]).isBetween(0.15, 1.0);
    }
    // binomial bounds at ~5 standard deviations
    assertThat(flips / n).isCloseTo(0.5, within(0.04));
    assertThat(jit / n).isCloseTo(0.8, within(0.035));
    assertThat(gray / n).isCloseTo(0.2, within(0.035));
    assertThat(blur / n).isCloseTo(0.5, within(0.04));
    assertThat(bothFlip / (n - 1)).isCloseTo(0.25, within(0.035));
    // neighbouring images' crop areas are uncorrelated
    assertThat(correlation(area, 1)).isCloseTo(0, within(0.08));
    Set<String> boxes = new HashSet<>();
    for (ViewDraw v : d) boxes.add(v.top() + "," + v.left() + "," + v.height() + "," + v.width());
    assertThat(boxes.size()).isGreaterThan(n / 4);
  }

  @Test
  void identicalImagesGetDifferentViewsAndResultsAreReproducible() {
    int b = 64;

    TwoViewAugmenter aug =
        new TwoViewAugmenter(
            AugmentConfig.mocoV2(32), new ChannelStats(new float[] {0.3f}, new float[] {0.35f}));
    try (NDManager m = manager.newSubManager()) {
      NDArray x = fashion.toNDArray(m, new int[b]); // b copies of image 0
      NDList v = aug.views(x, 11L, 5L);
      assertThat(v.get(0).getShape()).isEqualTo(new Shape(b, 3, 32, 32));
      assertThat(v.get(0).isNaN().any().getBoolean()).isFalse();
      float[] q = v.get(0).toFloatArray();
      float[] k = v.get(1).toFloatArray();
      Set<Integer> distinct = new HashSet<>();
      int per = 3 * 32 * 32;
      double[] means = new double[b];
      for (int i = 0; i < b; i++) {
        float[] img = java.util.Arrays.copyOfRange(q, i * per, (i + 1) * per);
        distinct.add(java.util.Arrays.hashCode(img));
        for (float f : img) means[i] += f / per;
        float[] key = java.util.Arrays.copyOfRange(k, i * per, (i + 1) * per);
        assertThat(key).isNotEqualTo(img);
      }
      assertThat(distinct).hasSize(b);
      double mu = java.util.Arrays.stream(means).average().orElseThrow();
      double var = java.util.Arrays.stream(means).map(a -> (a - mu) * (a - mu)).sum() / b;
      assertThat(Math.sqrt(var)).isGreaterThan(0.05);
      NDList again = aug.views(x, 11L, 5L);
      assertThat(again.get(0).toFloatArray()).isEqualTo(q);
      assertThat(aug.views(x, 11L, 6L).get(0).toFloatArray()).isNotEqualTo(q);
    }
  }

  @Test
  void evalTransformAtNativeSizeOnlyNormalises() {
    try (NDManager m = manager.newSubManager()) {
      NDArray x = fashion.toNDArray(m, 0, 4);
      ChannelStats n = new ChannelStats(new float[] {0.5f}, new float[] {0.25f});
      NDArray out = new EvalTransform(28, 1.0, n).apply(x);
      NDArray expect =
          x.toType(DataType.FLOAT32, false).div(255f).sub(0.5f).div(0.25f).repeat(1, 3);
      assertThat(out.sub(expect).abs().max().getFloat()).isLessThan(1e-4f);
      NDArray crop = new EvalTransform(24, 0.875, n).apply(x);
      assertThat(crop.getShape()).isEqualTo(new Shape(4, 3, 24, 24));
    }
  }

  @Test
  void linearProbeTransformOnlyCropsAndFlips() {
    BatchAugmenter aug = new BatchAugmenter(AugmentConfig.linearProbe(28), UNIT);
    List<ViewDraw> draws = new ArrayList<>();
    for (int i = 0; i < 8; i++)
      draws.add(new ViewDraw(0, 0, 28, 28, i % 2 == 1, null, 1, 1, 1, 0, false, 0));
    try (NDManager m = manager.newSubManager()) {
      NDArray x = fashion.toNDArray(m, 0, 8);
      NDArray out = aug.apply(x, draws);
      NDArray plain = x.toType(DataType.FLOAT32, false).div(255f).repeat(1, 3);
      assertThat(out.get("0::2").sub(plain.get("0::2")).abs().max().getFloat()).isLessThan(1e-5f);
      assertThat(out.get("1::2").sub(plain.get("1::2").flip(3)).abs().max().getFloat())
          .isLessThan(1e-5f);
    }
  }

  private static double correlation(double[] a, int lag) {
    int n = a.length - lag;
    double ma = 0, mb = 0;
    for (int i = 0; i < n; i++) {
      ma += a[i];
      mb += a[i + lag];
    }
    ma /= n;
    mb /= n;
    double c = 0, va = 0, vb = 0;
    for (int i = 0; i < n; i++) {
      c += (a[i] - ma) * (a[i + lag] - mb);
      va += (a[i] - ma) * (a[i] - ma);
      vb += (a[i + lag] - mb) * (a[i + lag] - mb);
    }
    return c / Math.sqrt(va * vb);
  }
}
