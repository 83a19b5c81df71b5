package org.hptstream.demo;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.clients.AvroPublisher;
import org.hptstream.clients.ClientOptions;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.FashionMnistDomains;
import org.hptstream.data.Idx;
import org.hptstream.data.ImageSet;
import org.hptstream.evaluation.CheckpointLoader;
import org.hptstream.evaluation.EvaluatedBackbone;
import org.hptstream.evaluation.EvaluationConfig;
import org.hptstream.evaluation.EvaluationData;
import org.hptstream.evaluation.EvaluationResult;
import org.hptstream.evaluation.Evaluator;
import org.hptstream.evaluation.Protocol;
import org.hptstream.evaluation.events.MetricEvents;
import org.hptstream.features.FeatureCache;
import org.hptstream.imagetopic.ImageTopicReader;
import org.hptstream.ingest.IngestConfig;
import org.hptstream.ingest.IngestListener;
import org.hptstream.ingest.IngestResult;
import org.hptstream.ingest.Ingestor;
import org.hptstream.ingest.InvalidInputException;
import org.hptstream.pretrain.PretrainConfig;
import org.hptstream.pretrain.PretrainJob;
import org.hptstream.pretrain.StepReport;
import org.hptstream.pretrain.TrainingListener;
import org.hptstream.pretrain.events.CheckpointEvents;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.schemas.OffsetRange;
import org.hptstream.schemas.Split;
import org.hptstream.stack.HptPaths;
import org.hptstream.stack.LocalStack;
import org.hptstream.strategy.Strategy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hpt demo}: the product's main job end to end on one machine, with real data. Starts the
 * local stack (or uses the cluster given), pushes two Fashion-MNIST domains to Kafka, reads them
 * back from their topics, pretrains a base model on one domain, applies every HPT strategy to the
 * other, publishes a checkpoint event per checkpoint and the metrics of each to the metric topic,
 * and prints the comparison the HPT paper makes: direct transfer vs BN recalibration vs HPT vs
 * HPT-BN vs training from scratch with the same budget.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "The main job end to end: local Kafka + registry, two Fashion-MNIST domains ingested,",
      "a base model pretrained on clothing, HPT strategies applied to footwear/bags from the",
      "topics, checkpoint and metric events published, and the strategies compared."
    })
public final class DemoCommand implements Callable<Integer> {
  private static final String BASE_DOMAIN = "fashion-clothing";
  private static final String TARGET_DOMAIN = "fashion-footwear";

  @Mixin ClientOptions client = new ClientOptions();

  @Option(
      names = "--external",
      description =
          "Use --bootstrap-servers/--schema-registry-url instead of starting the local stack.")
  boolean external;

  @Option(
      names = "--work-dir",
      description = "Inputs, checkpoints and feature cache (default: $HPT_HOME/demo).")
  Path workDir;

  @Option(
      names = "--images",
      defaultValue = "3000",
      description = "Unlabeled images per domain (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(
      names = "--labelled",
      defaultValue = "2000",
      description = "Labelled target train images for the probes (default: ${DEFAULT-VALUE}).")
  int labelled;

  @Option(
      names = "--test",
      defaultValue = "2000",
      description = "Labelled target test images (default: ${DEFAULT-VALUE}).")
  int test;

  @Option(
      names = "--base-steps",
      defaultValue = "300",
      description = "MoCo v2 steps of the base model (default: ${DEFAULT-VALUE}).")
  long baseSteps;

  @Option(
      names = "--update-steps",
      defaultValue = "100",
      description = "Steps of each update on the target domain (default: ${DEFAULT-VALUE}).")
  long updateSteps;

  @Option(
      names = "--profile",
      defaultValue = "cpu-small",
      description = "Pretraining profile: cpu-small or paper (default: ${DEFAULT-VALUE}).")
  String profile;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed of every random draw (default: ${DEFAULT-VALUE}).")
  long seed;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    try {
      return run(System.out);
    } catch (IOException | InvalidInputException | IllegalArgumentException e) {
      // Missing dataset, bad sizes, refused input: the user's to fix, said in one line.
      System.err.println("hpt demo: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      System.err.println("hpt demo: failed: " + e);
      return 1;
    }
  }

  private int run(PrintStream out) throws IOException, InvalidInputException, InterruptedException {
    long t0 = System.nanoTime();
    Path work = workDir != null ? workDir : HptPaths.home().resolve("demo");
    Files.createDirectories(work);

    Map<String, Object> clients = clients(out);
    say(out, "1/5 data: two domains cut from Fashion-MNIST by class (a real domain shift)");
    ImageSet train = FashionMnist.train();
    ImageSet testSet = FashionMnist.test();
    ImageSet base = FashionMnistDomains.base(train, images, seed);
    FashionMnistDomains.Target target =
        FashionMnistDomains.target(train, testSet, images, labelled, test, seed);

    say(
        out,
        "2/5 ingest: pushing both domains to Kafka (idempotent; a re-run's duplicates are skipped on read)");
    Ingestor ingestor = new Ingestor(clients);
    ingest(out, ingestor, work, BASE_DOMAIN, Split.UNLABELED, base);
    ingest(out, ingestor, work, TARGET_DOMAIN, Split.UNLABELED, target.unlabeled());
    ingest(out, ingestor, work, TARGET_DOMAIN, Split.TRAIN, target.train());
    ingest(out, ingestor, work, TARGET_DOMAIN, Split.TEST, target.test());

    say(out, "3/5 read back from the topics");
    ImageTopicReader reader = new ImageTopicReader(clients);
    ImageTopicReader.Result baseRead = read(out, reader, BASE_DOMAIN, Split.UNLABELED);
    ImageTopicReader.Result targetRead = read(out, reader, TARGET_DOMAIN, Split.UNLABELED);
    ImageSet evalTrain = read(out, reader, TARGET_DOMAIN, Split.TRAIN).images();
    ImageSet evalTest = read(out, reader, TARGET_DOMAIN, Split.TEST).images();

    say(
        out,
        "4/5 pretrain: base model on " + BASE_DOMAIN + ", then every strategy on " + TARGET_DOMAIN);
    Path store = work.resolve("checkpoints");
    PretrainConfig config = PretrainConfig.profile(profile).withSeed(seed);
    List<Run> runs = new ArrayList<>();
    try (AvroPublisher<CheckpointEvent> checkpoints =
        new AvroPublisher<>(clients, CheckpointEvents.TOPIC)) {
      Run baseRun =
          train(
              out,
              checkpoints,
              store,
              Strategy.TARGET,
              null,
              BASE_DOMAIN,
              baseRead,
              config.withSteps(baseSteps),
              "base (" + BASE_DOMAIN + ")");
      PretrainConfig update = config.withSteps(updateSteps);
      // every gain is read against the network TARGET starts from: no training at all
      runs.add(
          new Run(
              "random init (no training)",
              null,
              null,
              0,
              EvaluatedBackbone.randomInitId(config.arch(), seed)));
      runs.add(new Run("BASE: direct transfer", baseRun.dir, baseRun.manifest, 0, null));
      runs.add(
          train(
              out,
              checkpoints,
              store,
              Strategy.BASE_BN_RECAL,
              baseRun.dir,
              TARGET_DOMAIN,
              targetRead,
              update,
              "BASE-BN-RECAL"));
      runs.add(
          train(
              out,
              checkpoints,
              store,
              Strategy.HPT,
              baseRun.dir,
              TARGET_DOMAIN,
              targetRead,
              update,
              "HPT"));
      runs.add(
          train(
              out,
              checkpoints,
              store,
              Strategy.HPT_BN,
              baseRun.dir,
              TARGET_DOMAIN,
              targetRead,
              update,
              "HPT-BN"));
      runs.add(
          train(
              out,
              checkpoints,
              store,
              Strategy.TARGET,
              null,
              TARGET_DOMAIN,
              targetRead,
              update,
              "TARGET: scratch, same steps"));
    }

    say(
        out,
        "5/5 evaluate on "
            + TARGET_DOMAIN
            + " (linear probe on frozen features, kNN, health); metrics to the metric topic");
    EvaluationConfig evalConfig = EvaluationConfig.profile("cpu").withSeed(seed);
    Map<Run, EvaluationResult[]> results = new LinkedHashMap<>();
    try (AvroPublisher<MetricEvent> metrics = new AvroPublisher<>(clients, MetricEvents.TOPIC);
        NDManager manager = NDManager.newBaseManager()) {
      Evaluator evaluator =
          new Evaluator(evalConfig, manager, new FeatureCache(work.resolve("features")));
      EvaluationData data = new EvaluationData(evalTrain, null, evalTest, null);
      for (Run run : runs) {
        EvaluatedBackbone backbone =
            run.dir == null
                ? EvaluatedBackbone.randomInit(
                    config.arch(),
                    seed,
                    targetRead.images().channelStats().expandTo(3),
                    norm -> EvaluatedBackbone.Transforms.nativeSize(evalTrain.height(), norm),
                    manager)
                : CheckpointLoader.load(
                        run.dir,
                        null,
                        norm -> EvaluatedBackbone.Transforms.nativeSize(evalTrain.height(), norm),
                        manager)
                    .backbone();
        List<EvaluationResult> r =
            evaluator.evaluate(
                backbone, data, List.of(Protocol.LINEAR, Protocol.KNN, Protocol.HEALTH));
        // metric events are about checkpoints: the random row has none, so it stays in the table
        if (run.dir != null) {
          for (EvaluationResult er : r) {
            for (MetricEvent e : MetricEvents.of(er, TARGET_DOMAIN, Split.TEST)) {
              metrics.publish(e.getCheckpointId(), e);
            }
          }
        }
        results.put(run, r.toArray(EvaluationResult[]::new));
        out.printf(
            Locale.ROOT, "    %-28s linear top1 %s%n", run.label, metric(r, "linear", "top1"));
      }
    }

    out.println();
    out.printf(
        Locale.ROOT,
        "%-28s %6s  %-17s %-9s %-8s  %s%n",
        "strategy",
        "steps",
        "linear top1",
        "kNN top1",
        "eff.rank",
        "checkpoint");
    for (var e : results.entrySet()) {
      Run run = e.getKey();
      List<EvaluationResult> r = List.of(e.getValue());
      out.printf(
          Locale.ROOT,
          "%-28s %6d  %-17s %-9s %-8s  %s%n",
          run.label,
          run.steps,
          metric(r, "linear", "top1"),
          metric(r, "knn", "top1"),
          metric(r, "health", "effective_rank"),
          run.manifest == null ? run.id : run.manifest.id());
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "done in %.0f s. Checkpoint events on %s, metrics on %s (bootstrap %s).%n",
        (System.nanoTime() - t0) / 1e9,
        CheckpointEvents.TOPIC.name(),
        MetricEvents.TOPIC.name(),
        clients.get("bootstrap.servers"));
    if (!external) {
      out.println("The local stack keeps running: ./hpt stack status | ./hpt stack down");
    }
    return 0;
  }

  private Map<String, Object> clients(PrintStream out) {
    if (external) {
      say(out, "0/5 using the cluster at " + client.bootstrapServers());
      return client.clientConfig();
    }
    say(out, "0/5 local stack: Kafka broker + schema registry (started unless already running)");
    LocalStack stack =
        new LocalStack(LocalStack.Config.resolve(null, null, null, null, Duration.ofMinutes(3)));
    LocalStack.Status s = stack.up(out);
    return ClientOptions.of(s.bootstrapServers(), s.registryUrl()).clientConfig();
  }

  private static void ingest(
      PrintStream out, Ingestor ingestor, Path work, String domain, Split split, ImageSet set)
      throws IOException, InvalidInputException {
    Path dir = Files.createDirectories(work.resolve("input"));
    String name = domain + "-" + split.name().toLowerCase(Locale.ROOT);
    Path imagesFile = dir.resolve(name + "-images-idx3-ubyte.gz");
    Path labelsFile = set.hasLabels() ? dir.resolve(name + "-labels-idx1-ubyte.gz") : null;
    Idx.write(set, imagesFile, labelsFile);
    IngestConfig c = IngestConfig.of(domain, List.of(imagesFile)).withSplit(split);
    if (labelsFile != null) {
      c = c.withLabels(labelsFile);
    }
    IngestResult r = ingestor.run(c, IngestListener.NONE);
    if (!r.success()) {
      throw new IllegalStateException("ingest of " + name + " failed: " + r.summary());
    }
    out.println("    " + r.summary().strip().replace("\n", "\n    "));
  }

  private static ImageTopicReader.Result read(
      PrintStream out, ImageTopicReader reader, String domain, Split split)
      throws InterruptedException {
    ImageTopicReader.Result r =
        reader.read(domain, ImageTopicReader.Options.all().withSplit(split));
    if (r.images() == null) {
      throw new IllegalStateException("no " + split + " images of " + domain + " on its topic");
    }
    out.printf(
        Locale.ROOT,
        "    %-17s %-9s %5d images (%d duplicates skipped, %d unusable records skipped) from %s%n",
        domain,
        split,
        r.size(),
        r.duplicates(),
        r.rejected(),
        TopicsOf.describe(r.provenance()));
    return r;
  }

  private Run train(
      PrintStream out,
      AvroPublisher<CheckpointEvent> events,
      Path store,
      Strategy strategy,
      Path parent,
      String domain,
      ImageTopicReader.Result data,
      PretrainConfig config,
      String label) {
    long t = System.nanoTime();
    PretrainJob job =
        new PretrainJob()
            .addListener(
                new TrainingListener() {
                  @Override
                  public void onStep(StepReport r) {
                    if (r.step() % 50 == 0 || r.step() == r.totalSteps()) {
                      out.printf(
                          Locale.ROOT,
                          "    %-28s step %4d/%d loss %.3f %4.0f img/s feature std %.3f%n",
                          label,
                          r.step(),
                          r.totalSteps(),
                          r.loss(),
                          r.imagesPerSecond(),
                          r.featureStd());
                    }
                  }
                });
    PretrainJob.Result r =
        job.run(
            new PretrainJob.Request(
                strategy,
                parent,
                data.images(),
                domain,
                TopicsOf.describe(data.provenance()),
                store,
                config,
                false,
                null));
    long wallMs = (System.nanoTime() - t) / 1_000_000;
    CheckpointManifest m =
        new LocalCheckpointStore(store)
            .manifest(r.id())
            .orElseThrow(
                () -> new IllegalStateException("checkpoint " + r.id() + " not in " + store));
    var meta =
        events.publish(domain, CheckpointEvents.of(m, r.checkpoint(), data.provenance(), wallMs));
    out.printf(
        Locale.ROOT,
        "    %-28s -> %s (%.0f s), event at %s-%d@%d%n",
        label,
        r.id(),
        wallMs / 1e3,
        meta.topic(),
        meta.partition(),
        meta.offset());
    return new Run(label, r.checkpoint(), m, r.steps(), null);
  }

  private static String metric(List<EvaluationResult> results, String protocol, String name) {
    for (EvaluationResult r : results) {
      if (r.provenance().protocol().equals(protocol)) {
        var m = r.metric(name);
        if (m.isPresent()) {
          return m.get().spread() == null || m.get().runs() < 2
              ? String.format(Locale.ROOT, "%.4f", m.get().value())
              : String.format(Locale.ROOT, "%.4f±%.4f", m.get().value(), m.get().spread());
        }
      }
    }
    return "-";
  }

  private static void say(PrintStream out, String s) {
    out.println("== " + s);
  }

  /**
   * A row of the comparison: a checkpoint, or (dir and manifest null) the random network {@code
   * id}.
   */
  private record Run(String label, Path dir, CheckpointManifest manifest, long steps, String id) {}

  /** Offset ranges in Kafka's {@code topic-partition[start, end)} notation. */
  static final class TopicsOf {
    static String describe(List<OffsetRange> ranges) {
      StringBuilder b = new StringBuilder();
      for (OffsetRange r : ranges) {
        if (b.length() > 0) {
          b.append(", ");
        }
        b.append(r.getTopic())
            .append('-')
            .append(r.getPartition())
            .append('[')
            .append(r.getStartOffset())
            .append(", ")
            .append(r.getEndOffset())
            .append(')');
      }
      return b.toString();
    }
  }
}
