package org.hptstream.bench.learning;

import java.nio.file.Path;
import java.util.Locale;
import org.hptstream.data.ChannelStats;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.FashionMnistDomains;
import org.hptstream.data.Idx;
import org.hptstream.pretrain.PretrainConfig;

/**
 * Writes the demo's target domain (Fashion-MNIST footwear and bags, the demo's default sizes and
 * seed) as IDX files into args[0] and prints the cpu-small profile and the domain's pixel
 * statistics as shell assignments (all but the steps, which the bench sets), so the PyTorch
 * reference trains with exactly the profile's numbers.
 */
public class LearningPrep {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int images = Integer.parseInt(args[1]);
    FashionMnistDomains.Target t =
        FashionMnistDomains.target(
            FashionMnist.train(), FashionMnist.test(), images, 2000, 2000, 0);
    Idx.write(t.unlabeled(), dir.resolve("unlabeled-images-idx3-ubyte.gz"), null);
    Idx.write(
        t.train(),
        dir.resolve("train-images-idx3-ubyte.gz"),
        dir.resolve("train-labels-idx1-ubyte.gz"));
    Idx.write(
        t.test(),
        dir.resolve("test-images-idx3-ubyte.gz"),
        dir.resolve("test-labels-idx1-ubyte.gz"));
    PretrainConfig c = PretrainConfig.cpuSmall();
    ChannelStats s = t.unlabeled().channelStats();
    var a = c.augment();
    System.out.printf(
        Locale.ROOT,
        "ARCH=%s DEPTH=%d WIDTH=%d SMALL=%b BATCH=%d LR=%s SGD_M=%s WD=%s DIM=%d K=%d M=%s T=%s"
            + " SIZE=%d SCALE_MIN=%s SCALE_MAX=%s JITTER_P=%s BRIGHTNESS=%s CONTRAST=%s"
            + " SATURATION=%s HUE=%s GRAY_P=%s BLUR_P=%s SIGMA_MIN=%s SIGMA_MAX=%s FLIP_P=%s"
            + " MEAN=%s STD=%s%n",
        c.arch().id(),
        c.arch().depth(),
        c.arch().width(),
        c.arch().smallImage(),
        c.batchSize(),
        c.scaledLr(),
        c.sgdMomentum(),
        c.weightDecay(),
        c.moco().dim(),
        c.moco().queueSize(),
        c.moco().momentum(),
        c.moco().temperature(),
        a.size(),
        a.scaleMin(),
        a.scaleMax(),
        a.jitterP(),
        a.brightness(),
        a.contrast(),
        a.saturation(),
        a.hue(),
        a.grayP(),
        a.blurP(),
        a.sigmaMin(),
        a.sigmaMax(),
        a.flipP(),
        s.mean()[0],
        s.std()[0]);
  }
}
