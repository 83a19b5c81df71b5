package org.hptstream.bench.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.hptstream.augment.AugmentConfig;
import org.hptstream.augment.TwoViewAugmenter;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH micro-benchmark: one batch of two-view MoCo v2 augmentation of the first 4,096 Fashion-MNIST
 * training images, grey as they are or tinted RGB ({@link AugmentBench#tinted}). One operation is
 * one batch; images/s = operations/s x {@code batch}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AugmentThroughput {

  /** {@code grey} or {@code rgb}. */
  @Param({"grey"})
  public String colour;

  @Param({"64"})
  public int batch;

  /** Output side in pixels. */
  @Param({"32"})
  public int size;

  private NDManager root;
  private ImageSet data;
  private TwoViewAugmenter augmenter;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    ImageSet grey = FashionMnist.train().slice(0, 4096);
    data = colour.equals("rgb") ? AugmentBench.tinted(grey) : grey;
    augmenter = new TwoViewAugmenter(AugmentConfig.mocoV2(size), data.channelStats());
    root = NDManager.newBaseManager();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    root.close();
  }

  /** Both views of the next batch, materialised (libtorch runs eagerly; this forces completion). */
  @Benchmark
  public void twoViews(Blackhole sink) {
    try (NDManager m = root.newSubManager()) {
      int from = Math.floorMod(next, data.size() / batch) * batch;
      NDArray x = data.toNDArray(m, from, from + batch);
      NDList views = augmenter.views(x, 7, next++);
      sink.consume(views.get(0).toFloatArray());
      sink.consume(views.get(1).toFloatArray());
    }
  }
}
