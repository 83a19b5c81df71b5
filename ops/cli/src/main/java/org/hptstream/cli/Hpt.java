package org.hptstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code hpt} command: one entry point for the local stack, ingest, offline pretraining and
 * evaluation. Each subcommand lives in the module that owns its logic; this class only wires them.
 */
@Command(
    name = "hpt",
    mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.class,
    description = "HPT Stream: continual self-supervised pretraining on Kafka image streams.",
    subcommands = {
      CommandLine.HelpCommand.class,
      org.hptstream.ingest.IngestCommand.class,
      StackCommand.class,
      org.hptstream.pretrain.PretrainCommand.class,
      org.hptstream.pretrain.ImportCommand.class,
      org.hptstream.trainer.TrainerCommand.class,
      org.hptstream.trainer.RequestCommand.class,
      org.hptstream.evaluation.EvaluateCommand.class,
      org.hptstream.evaluator.EvaluatorCommand.class,
      org.hptstream.views.WatchCommand.class,
      org.hptstream.views.CheckpointsCommand.class,
      org.hptstream.demo.DemoCommand.class,
    })
public final class Hpt implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  /** Commands that run until stopped: their INFO lines (jobs, retries, recoveries) are shown. */
  static final java.util.Set<String> SERVICES = java.util.Set.of("trainer", "evaluator");

  public static void main(String[] args) {
    // Before anything logs: log4j2.properties reads the level when logging starts.
    if (args.length > 0
        && SERVICES.contains(args[0])
        && System.getProperty("hpt.log.level") == null) {
      System.setProperty("hpt.log.level", "info");
    }
    System.exit(newCommandLine().execute(args));
  }

  /** The full command tree; tests build it the same way the launcher does. */
  public static CommandLine newCommandLine() {
    return new CommandLine(new Hpt());
  }
}
