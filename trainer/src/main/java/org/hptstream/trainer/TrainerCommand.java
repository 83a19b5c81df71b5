package org.hptstream.trainer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.hptstream.clients.ClientOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hpt trainer}: runs the trainer service until SIGTERM; see {@link TrainerService}. */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description = {
      "The trainer service: images arriving on hpt.images.<domain> drive HPT updates.",
      "Each finished job's checkpoint is announced on hpt.checkpoints exactly once (event and",
      "consumed offsets in one Kafka transaction, after the checkpoint is on disk). Runs until",
      "SIGTERM: the running job finishes its step and checkpoints, the instance leaves the group.",
      "Settings come from --config (YAML) and flags; flags override the file's defaults."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:stopped", "1:failed", "2:bad configuration"})
public final class TrainerCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration.")
  Path configFile;

  @Option(names = "--checkpoints", description = "Checkpoint store directory (shared).")
  Path checkpoints;

  @Option(names = "--group", description = "Consumer group (default hpt-trainer).")
  String group;

  @Option(names = "--instance-id", description = "Stable name of this instance (default: host).")
  String instanceId;

  @Option(
      names = "--domains",
      paramLabel = "REGEX",
      description = "Train only domains matching this regular expression (default all).")
  String domains;

  @Option(names = "--base", description = "Checkpoint id that parent 'base' names.")
  String base;

  @Option(names = "--strategy", description = "hpt, hpt-bn, target or base-bn-recal.")
  String strategy;

  @Option(names = "--parent", description = "base, latest, none or a checkpoint id.")
  String parent;

  @Option(names = "--profile", description = "cpu-small or paper.")
  String profile;

  @Option(names = "--steps", description = "Steps per update.")
  Long steps;

  @Option(names = "--every-images", description = "Start a job per N new images (0: off).")
  Long everyImages;

  @Option(names = "--every-minutes", description = "Start a job every T minutes with news.")
  Double everyMinutes;

  @Option(names = "--on-request-only", description = "Train only on hpt request.")
  Boolean onRequestOnly;

  @Option(names = "--sample-size", description = "Images kept in each domain's sample.")
  Integer sampleSize;

  @Option(names = "--batch-size", description = "Images per step.")
  Integer batchSize;

  @Option(names = "--queue-size", description = "MoCo queue length.")
  Integer queueSize;

  @Option(names = "--image-size", description = "Side of the training views.")
  Integer imageSize;

  @Option(names = "--checkpoint-every", description = "Steps between resume checkpoints.")
  Long checkpointEvery;

  @Option(names = "--seed", description = "Seed of samples and jobs.")
  Long seed;

  @Option(names = "--max-jobs", description = "Jobs training at once.")
  Integer maxJobs;

  @Option(names = "--device", description = "cpu or gpu (default: the engine's).")
  String device;

  @Option(names = "--http-port", description = "/health and /metrics port (0 any, -1 none).")
  Integer httpPort;

  @Override
  public Integer call() {
    TrainerConfig c;
    TrainerService service;
    try {
      c = configure();
      service = new TrainerService(c, client.clientConfig());
    } catch (Exception e) {
      System.err.println("hpt trainer: " + e.getMessage());
      return 2;
    }
    Thread hook =
        new Thread(
            () -> {
              service.stop();
              try {
                service.awaitStopped(Duration.ofMinutes(5));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "hpt-trainer-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      service.run();
      return 0;
    } catch (RuntimeException e) {
      System.err.println("hpt trainer: failed: " + e);
      return 1;
    }
  }

  private TrainerConfig configure() throws Exception {
    TrainerConfig c = configFile != null ? TrainerConfig.load(configFile) : null;
    c =
        new TrainerConfig(
            group != null ? group : c == null ? null : c.groupId(),
            instanceId != null ? instanceId : c == null ? null : c.instanceId(),
            checkpoints != null ? checkpoints : c == null ? null : c.checkpoints(),
            base != null ? base : c == null ? null : c.baseCheckpoint(),
            maxJobs != null ? maxJobs : c == null ? null : c.maxConcurrentJobs(),
            c == null ? null : c.maxImagePixels(),
            device != null ? device : c == null ? null : c.device(),
            httpPort != null ? httpPort : c == null ? null : c.httpPort(),
            c == null ? null : c.metadataRefreshMs(),
            domains != null ? domains : c == null ? null : c.domainPattern(),
            c == null ? null : c.defaults(),
            c == null ? null : c.domains());
    return c.withDefaults(
        new DomainPolicy(
            strategy,
            parent,
            profile,
            steps,
            everyImages,
            everyMinutes,
            onRequestOnly,
            sampleSize,
            seed,
            batchSize,
            queueSize,
            imageSize,
            checkpointEvery,
            null,
            null,
            null));
  }

  /** Runs {@code hpt trainer} alone (the service's own process entry point). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new TrainerCommand()).execute(args));
  }
}
