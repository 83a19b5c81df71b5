package org.hptstream.evaluation;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hptstream.checkpoint.CheckpointException;
import org.hptstream.data.ChannelStats;
import org.hptstream.data.ImageSet;
import org.hptstream.data.ImageSets;
import org.hptstream.features.FeatureCache;
import org.hptstream.model.ResNetConfig;
import org.hptstream.model.WeightLoadException;
import org.hptstream.probe.LinearProbeConfig;
import org.hptstream.semisup.FineTuneConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hpt evaluate}: options only; the work is {@link Evaluator}'s. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate a checkpoint's backbone (or, with --random-init, a seeded random network): linear probe, kNN, representation health, semi-supervised fine-tuning, "
          + "domain transfer (core/METHOD.md in the source, docs/METHOD.md in the distribution).",
      "Labelled data: an IDX image file (its labels file is found next to it, or give --*-labels), or a folder "
          + "with one subfolder per class.",
      "Prints a table (or JSON with --json); every result carries checkpoint id + sha256, protocol parameters, "
          + "split sizes, seed and wall time."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:evaluated",
      "1:failed while evaluating",
      "2:bad input or options (nothing written)"
    })
public final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--checkpoint"},
      description = "Checkpoint directory (holds manifest.json). Or --random-init.")
  Path checkpoint;

  @Option(
      names = "--random-init",
      paramLabel = "ARCH",
      description =
          "Evaluate a seeded random network of this architecture (e.g. resnet18-w16-small) instead"
              + " of a checkpoint: the random-initialisation row every gain is read against. It is"
              + " exactly the network a TARGET job with --init-seed starts from, normalised with"
              + " --train's own pixel statistics.")
  String randomInit;

  @Option(
      names = "--init-seed",
      defaultValue = "0",
      description = "Seed of the --random-init network (default ${DEFAULT-VALUE}).")
  long initSeed;

  @Option(
      names = "--arch",
      description = "Expected architecture (e.g. resnet50); refuse a checkpoint of another.")
  String arch;

  @Option(
      names = "--train",
      required = true,
      description = "Labelled training data (IDX file or class folders).")
  Path train;

  @Option(
      names = "--train-labels",
      description = "IDX labels for --train (default: found next to it).")
  Path trainLabels;

  @Option(
      names = "--val",
      description = "Labelled validation data (default: a seeded hold-out of --train).")
  Path val;

  @Option(names = "--val-labels", description = "IDX labels for --val.")
  Path valLabels;

  @Option(names = "--test", required = true, description = "Labelled test data.")
  Path test;

  @Option(names = "--test-labels", description = "IDX labels for --test.")
  Path testLabels;

  @Option(
      names = "--target-test",
      description = "Target domain's labelled test data (transfer protocol).")
  Path targetTest;

  @Option(names = "--target-test-labels", description = "IDX labels for --target-test.")
  Path targetTestLabels;

  @Option(
      names = "--image-size",
      description =
          "Evaluate at N px: resize to N/0.875 + center crop N (the paper: 224). Default: the size the"
              + " checkpoint was trained at (manifest scalar image_size); the images' own size, unresized, when"
              + " that is theirs or unrecorded.")
  Integer imageSize;

  @Option(
      names = "--limit",
      description = "Use only the first N images of every split (quick runs).")
  Integer limit;

  @Option(
      names = {"-p", "--protocol"},
      split = ",",
      defaultValue = "linear,knn,health",
      description =
          "Protocols, comma-separated: linear, knn, health, semisup, transfer (default ${DEFAULT-VALUE}).")
  List<String> protocols;

  @Option(
      names = "--probe-mode",
      defaultValue = "features",
      description =
          "Linear probe training inputs: 'features' (cached eval features, no augmentation, fast; default)"
              + " or 'paper' (random-resized-crop + flip through the frozen backbone every step, as the paper).")
  String probeMode;

  @Option(
      names = "--profile",
      defaultValue = "paper",
      description =
          "'paper': the paper's schedules (probe 5,000 steps, semi-supervised 2,500 steps at batch 256);"
              + " 'cpu': probe 1,000 steps at batch 256, semi-supervised 150 steps at batch 64 (default ${DEFAULT-VALUE}).")
  String profile;

  @Option(names = "--steps", description = "Linear-probe steps (overrides the profile).")
  Integer steps;

  @Option(
      names = "--lrs",
      split = ",",
      description = "Linear-probe learning rates (default 0.3,3,30).")
  List<Double> lrs;

  @Option(names = "--reruns", description = "Linear-probe reruns (default 3).")
  Integer reruns;

  @Option(names = "--knn-k", description = "kNN neighbours (default 200).")
  Integer knnK;

  @Option(names = "--labels", description = "Semi-supervised label budget (default 1000).")
  Integer labels;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed of every random choice (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--cache-dir",
      description = "Persist extracted features here and reuse them across runs.")
  Path cacheDir;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Option(
      names = {"-o", "--out"},
      description = "Also write the JSON results to this file (after success only).")
  Path out;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    EvaluationConfig config;
    List<Protocol> ps = new ArrayList<>();
    EvaluationData data;
    try {
      for (String p : protocols) {
        Protocol parsed = Protocol.parse(p);
        if (!ps.contains(parsed)) {
          ps.add(parsed);
        }
      }
      if ((checkpoint == null) == (randomInit == null)) {
        throw new IllegalArgumentException("give exactly one of --checkpoint and --random-init");
      }
      config = config();
      data =
          new EvaluationData(
              load(train, trainLabels, "--train"),
              val == null ? null : load(val, valLabels, "--val"),
              load(test, testLabels, "--test"),
              targetTest == null ? null : load(targetTest, targetTestLabels, "--target-test"));
    } catch (IllegalArgumentException | IOException e) {
      err.println("hpt evaluate: bad input, nothing written: " + e.getMessage());
      return 2;
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      List<EvaluationResult> results;
      try {
        ResNetConfig expected = arch == null ? null : ResNetConfig.parse(arch);
        int own = data.train().height();
        EvaluatedBackbone backbone;
        if (randomInit != null) {
          ResNetConfig a = ResNetConfig.parse(randomInit);
          if (expected != null && !expected.equals(a)) {
            throw new IllegalArgumentException(
                "--random-init " + a.id() + " contradicts --arch " + expected.id());
          }
          int size = imageSize != null ? imageSize : own;
          backbone =
              EvaluatedBackbone.randomInit(
                  a,
                  initSeed,
                  data.train().channelStats().expandTo(a.inChannels()),
                  norm -> transforms(size, own, norm),
                  manager);
          err.println(
              "hpt evaluate: random init "
                  + backbone.checkpointId()
                  + " (no checkpoint; the start of a TARGET job with seed "
                  + initSeed
                  + ")");
        } else {
          CheckpointLoader.Loaded loaded =
              CheckpointLoader.load(
                  checkpoint,
                  expected,
                  (manifest, norm) ->
                      EvaluatedBackbone.Transforms.forCheckpoint(manifest, norm, own, imageSize),
                  manager);
          err.println("hpt evaluate: " + loaded.verified().summary());
          err.println("hpt evaluate: " + loaded.loaded().summary());
          backbone = loaded.backbone();
        }
        Evaluator evaluator = new Evaluator(config, manager, new FeatureCache(cacheDir));
        results = evaluator.evaluate(backbone, data, ps);
      } catch (IllegalArgumentException | CheckpointException | WeightLoadException e) {
        err.println("hpt evaluate: bad input, nothing written: " + e.getMessage());
        return 2;
      }
      String jsonText = ResultFormat.json(results);
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.print(json ? jsonText + "\n" : ResultFormat.table(results));
      stdout.flush();
      if (out != null) {
        Files.writeString(out, jsonText + "\n");
      }
      return 0;
    } catch (IOException | RuntimeException e) {
      err.println("hpt evaluate: failed: " + e);
      return 1;
    }
  }

  /** Images at their own size when that is the evaluation size and none was asked; else resized. */
  private EvaluatedBackbone.Transforms transforms(int size, int own, ChannelStats norm) {
    return size == own && imageSize == null
        ? EvaluatedBackbone.Transforms.nativeSize(size, norm)
        : EvaluatedBackbone.Transforms.paper(size, norm);
  }

  private EvaluationConfig config() {
    EvaluationConfig c = EvaluationConfig.profile(profile).withSeed(seed);
    LinearProbeConfig probe = c.probe();
    FineTuneConfig semi = c.semisup();
    probe =
        probe.withMode(
            switch (probeMode) {
              case "features" -> LinearProbeConfig.Mode.FEATURES;
              case "paper" -> LinearProbeConfig.Mode.PAPER;
              default ->
                  throw new IllegalArgumentException(
                      "unknown --probe-mode '" + probeMode + "' (use features or paper)");
            });
    if (steps != null) {
      probe = probe.withSteps(steps);
    }
    if (lrs != null) {
      probe = probe.withLearningRates(lrs);
    }
    if (reruns != null) {
      probe = probe.withReruns(reruns);
    }
    if (labels != null) {
      semi = semi.withLabels(labels);
    }
    c = c.withProbe(probe).withSemisup(semi);
    if (knnK != null) {
      c = c.withKnn(c.knn().withK(knnK));
    }
    return c;
  }

  /**
   * An IDX file with its labels (given or next to it), or a folder with one subfolder per class.
   */
  private ImageSet load(Path images, Path labelsFile, String option) throws IOException {
    if (!Files.exists(images)) {
      throw new IOException(option + " " + images + ": no such file or directory");
    }
    ImageSet set;
    if (Files.isDirectory(images)) {
      if (labelsFile != null) {
        throw new IllegalArgumentException(
            option + ": a folder takes its labels from its subfolders, not from a file");
      }
      set = ImageSets.load(images, null, new ImageSets.FolderOptions(null, true));
    } else {
      Path l = labelsFile != null ? labelsFile : siblingLabels(images);
      if (l == null) {
        throw new IllegalArgumentException(
            option + " " + images + " has no labels: give " + option + "-labels");
      }
      set = ImageSets.load(images, l);
    }
    if (limit != null && limit < set.size()) {
      set = set.slice(0, Math.max(0, limit));
    }
    return set;
  }

  /** {@code x-images-idx3-ubyte[.gz]} -> {@code x-labels-idx1-ubyte[.gz]}, if that file exists. */
  static Path siblingLabels(Path images) {
    String name = images.getFileName().toString();
    if (!name.contains("images-idx3")) {
      return null;
    }
    Path p = images.resolveSibling(name.replace("images-idx3", "labels-idx1"));
    return Files.isRegularFile(p) ? p : null;
  }
}
