package org.hptstream.pretrain;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.hptstream.checkpoint.CheckpointException;
import org.hptstream.data.ImageSet;
import org.hptstream.data.ImageSets;
import org.hptstream.moco.NonFiniteLossException;
import org.hptstream.model.WeightLoadException;
import org.hptstream.progress.ConsoleProgress;
import org.hptstream.strategy.Strategy;
import org.hptstream.tensor.Devices;
import org.hptstream.topics.SafeNames;
import org.hptstream.topics.SafeNames.Kind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hpt pretrain}: parses options; the job is {@link PretrainJob}'s. */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    description = {
      "Self-supervised pretraining (MoCo v2) of a ResNet backbone with an HPT strategy:",
      "  target         MoCo v2 from a random init (no parent)",
      "  hpt            MoCo v2 from the parent's backbone (head re-initialised), all parameters",
      "  hpt-bn         like hpt, only BN gamma/beta + head train (convs frozen)",
      "  base-bn-recal  forward passes in train mode: only BN running statistics change",
      "  base           nothing runs: the parent is the result",
      "A parent of the same --domain trained by the same strategy is continued: its head, key",
      "encoder and queue carry over (continual training); any other parent gives its backbone only.",
      "Checkpoints (full state, sha256-verified) go to the store --out; --resume continues the same job."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:done",
      "1:training failed (e.g. NaN loss; the last good checkpoint stays)",
      "2:bad input or options"
    })
public final class PretrainCommand implements Callable<Integer> {
  @Option(
      names = "--strategy",
      required = true,
      description = "target, hpt, hpt-bn, base-bn-recal or base.")
  String strategy;

  @Option(
      names = "--parent",
      defaultValue = "none",
      description =
          "Parent checkpoint directory (<store>/<id>) or 'none' (default ${DEFAULT-VALUE}).")
  String parent;

  @Option(
      names = "--data",
      required = true,
      description = "Training images: an IDX image file (.gz ok) or a folder of PNG/JPEG.")
  Path data;

  @Option(names = "--out", required = true, description = "Checkpoint store directory.")
  Path out;

  @Option(
      names = "--profile",
      defaultValue = "cpu-small",
      description = "cpu-small or paper (default ${DEFAULT-VALUE}).")
  String profile;

  @Option(
      names = "--steps",
      description = "Steps of the job (profile default: paper 5000, cpu-small 600).")
  Long steps;

  @Option(names = "--seed", description = "Seed of every random draw (default 0).")
  Long seed;

  @Option(
      names = "--resume",
      description = "Continue this job from its latest checkpoint in --out.")
  boolean resume;

  @Option(names = "--batch-size", description = "Images per step (lr scales linearly).")
  Integer batchSize;

  @Option(
      names = "--queue-size",
      description = "MoCo queue length K (a multiple of the batch size).")
  Integer queueSize;

  @Option(
      names = "--lr",
      description =
          "Learning rate per 256 images, scaled linearly with the batch (profile default: paper 0.03,"
              + " cpu-small 0.48, i.e. 0.06 at its batch of 32).")
  Double lr;

  @Option(names = "--image-size", description = "Side of the training views in pixels.")
  Integer imageSize;

  @Option(
      names = "--hue",
      description = "Colour-jitter hue strength (HPT configs 0.4, MoCo v2 0.1).")
  Double hue;

  @Option(names = "--checkpoint-every", description = "Steps between periodic checkpoints.")
  Long checkpointEvery;

  @Option(names = "--domain", description = "Domain label for the manifest (default: from --data).")
  String domain;

  @Option(names = "--limit", description = "Use only the first N images.")
  Integer limit;

  @Option(
      names = "--load-size",
      description = "Resize folder images to this square size when loading.")
  Integer loadSize;

  @Option(names = "--device", description = "cpu or gpu (default: a GPU when present).")
  String device;

  @Option(names = "--no-progress", description = "No progress bar.")
  boolean noProgress;

  @Override
  public Integer call() {
    PrintStream err = System.err;
    PretrainJob.Request request;
    try {
      request = request();
    } catch (IllegalArgumentException | IOException e) {
      err.println("hpt pretrain: " + e.getMessage());
      return 2;
    }
    PretrainJob job = new PretrainJob();
    java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
    // Ctrl-C: stop after the current step and write a resumable checkpoint before the JVM exits.
    Thread hook =
        new Thread(
            () -> {
              job.requestStop();
              try {
                finished.await(120, java.util.concurrent.TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Runtime.getRuntime().addShutdownHook(hook);
    try (ConsoleProgress progress = new ConsoleProgress(!noProgress, err)) {
      job.addListener(progressOf(progress, err));
      PretrainJob.Result r = job.run(request);
      progress.close();
      err.printf(
          "hpt pretrain: %s after %d steps%s -> %s%n",
          request.strategy().cliName(),
          r.steps(),
          r.finalLoss() == null ? "" : String.format(Locale.ROOT, ", loss %.4f", r.finalLoss()),
          r.checkpoint());
      System.out.println(r.checkpoint());
      return 0;
    } catch (NonFiniteLossException e) {
      err.println("hpt pretrain: " + e.getMessage());
      return 1;
    } catch (CheckpointException | WeightLoadException | IllegalArgumentException e) {
      err.println("hpt pretrain: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("hpt pretrain: failed: " + e);
      return 1;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it has just been released
      }
    }
  }

  private PretrainJob.Request request() throws IOException {
    Strategy s = Strategy.parse(strategy);
    Path parentDir = parent == null || parent.equalsIgnoreCase("none") ? null : Path.of(parent);
    PretrainConfig c = PretrainConfig.profile(profile);
    if (steps != null) c = c.withSteps(steps);
    if (seed != null) c = c.withSeed(seed);
    if (batchSize != null) c = c.withBatchSize(batchSize);
    if (queueSize != null) c = c.withMoco(c.moco().withQueueSize(queueSize));
    if (lr != null) c = c.withBaseLr(lr);
    if (imageSize != null) c = c.withAugment(c.augment().withSize(imageSize));
    if (hue != null) c = c.withAugment(c.augment().withHue(hue));
    if (checkpointEvery != null) c = c.withCheckpointEvery(checkpointEvery);
    ImageSet images = ImageSets.load(data, null, new ImageSets.FolderOptions(loadSize, false));
    if (limit != null) images = images.slice(0, Math.min(limit, images.size()));
    Device dev = Devices.parse(device);
    String d = domain != null ? domain : domainOf(data);
    return new PretrainJob.Request(
        s,
        parentDir,
        images.withoutLabels(),
        d,
        data.toAbsolutePath().toString(),
        out,
        c,
        resume,
        dev);
  }

  /**
   * {@code fashion-mnist} for .../fashion-mnist/train-images-idx3-ubyte.gz, else the file or folder
   * name made a valid domain name ({@code _scans} gives {@code scans}).
   */
  static String domainOf(Path data) {
    Path abs = data.toAbsolutePath().normalize();
    Path named = abs.getFileName() == null ? abs : abs.getFileName();
    String name = named.toString().toLowerCase(Locale.ROOT);
    if (name.contains("-idx") && abs.getParent() != null && abs.getParent().getFileName() != null)
      name = abs.getParent().getFileName().toString().toLowerCase(Locale.ROOT);
    name = name.replaceAll("\\.(gz|idx|ubyte)$", "");
    String domain = SafeNames.derive(Kind.DOMAIN, name);
    return domain == null ? "data" : domain;
  }

  /** Progress bar on stderr: step, loss, lr, images/s, collapse indicator, ETA. */
  private static TrainingListener progressOf(ConsoleProgress console, PrintStream err) {
    return new TrainingListener() {
      @Override
      public void onStart(JobStart s) {
        err.printf(
            "hpt pretrain: %s on %s, batch %d, steps %d..%d%n",
            s.strategy(), s.device(), s.batchSize(), s.firstStep(), s.totalSteps());
        console.start(s.strategy(), s.totalSteps(), "steps", s.firstStep(), false);
      }

      @Override
      public void onStep(StepReport r) {
        String msg =
            String.format(
                Locale.ROOT,
                "loss %.3f lr %.2e %.0f img/s std %.3f",
                r.loss(),
                r.lr(),
                r.imagesPerSecond(),
                r.featureStd());
        if (console.showsBar()) {
          console.stepTo(r.step(), msg);
        } else if (r.step() % 50 == 0 || r.step() == r.totalSteps()) {
          err.printf("step %d/%d %s eta %ds%n", r.step(), r.totalSteps(), msg, r.eta().toSeconds());
        }
      }

      @Override
      public void onCheckpoint(long step, Path dir) {
        if (!console.showsBar()) err.printf("checkpoint at step %d: %s%n", step, dir);
      }
    };
  }
}
