package org.hptstream.bench.probe;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hptstream.checkpoint.CheckpointDraft;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.data.ChannelStats;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.hptstream.features.ImageTransform;
import org.hptstream.features.InputPipeline;
import org.hptstream.model.ResNet;
import org.hptstream.model.ResNetConfig;
import org.hptstream.model.TorchvisionWeights;
import org.hptstream.semisup.FineTuneConfig;
import org.hptstream.semisup.FineTuner;

/**
 * Writes the benchmark's checkpoint with core's store: ARCH at torchvision init (seed 7), then
 * STEPS steps of supervised training (batch 64, lr 0.05) on Fashion-MNIST train images
 * 40,000-49,999 (disjoint from the first 10,000 the benchmark probes on). Prints the checkpoint
 * directory.
 *
 * <pre>java -cp CLI_CLASSPATH MakeCheckpoint.java STORE ARCH STEPS</pre>
 */
public final class MakeCheckpoint {
  public static void main(String[] args) throws Exception {
    Path store = Path.of(args[0]);
    ResNetConfig arch = ResNetConfig.parse(args[1]);
    int steps = Integer.parseInt(args[2]);
    ImageSet train = FashionMnist.train();
    ChannelStats stats = train.channelStats();
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(7);
      ResNet net = ResNet.withClassifier(arch, 10);
      net.initialize(m);
      if (steps > 0) {
        FineTuneConfig cfg =
            new FineTuneConfig(
                10000, List.of(0.05), 1, 0.9, 5e-4, 64, steps, List.of(1.0 / 3, 2.0 / 3), 0.1, 1);
        ImageTransform plain = ImageTransform.normalizeOnly(stats);
        new FineTuner(new InputPipeline(arch.inChannels()), plain, plain)
            .train(net, train.slice(40000, 50000), cfg, 0.05, 7, m);
      }
      CheckpointManifest manifest =
          new LocalCheckpointStore(store)
              .put(
                  new CheckpointDraft(
                      null,
                      "fashion-mnist",
                      "supervised",
                      steps,
                      arch,
                      new CheckpointManifest.Normalization(
                          List.of((double) stats.mean()[0]), List.of((double) stats.std()[0])),
                      new CheckpointManifest.DataStats(10000, "fashion-mnist train[40000:50000]"),
                      null,
                      Map.of(),
                      Map.of(
                          CheckpointDraft.BACKBONE,
                          TorchvisionWeights.namedCopies(net.backboneParameters(), m))));
      System.out.println(store.resolve(manifest.id()));
    }
  }
}
