package org.hptstream.ingest;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.hptstream.clients.ClientOptions;
import org.hptstream.data.ImageLimits;
import org.hptstream.progress.ConsoleProgress;
import org.hptstream.schemas.Split;
import org.hptstream.topics.DomainNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hpt ingest}: options only; the work is {@link Ingestor}'s. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Validate images and send them to Kafka topic hpt.images.<domain> as Avro ImageBatch records.",
      "Inputs: folders of PNG/JPEG (recursive), PNG/JPEG files, or IDX image files (.gz ok).",
      "Everything is validated before anything is sent; image and batch ids are sha-256 of the",
      "content, so re-running after a failure is safe."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:all images acknowledged",
      "1:failed while sending (summary says which batches are in Kafka)",
      "2:bad input or options (nothing sent)"
    })
public final class IngestCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Option(
      names = {"-d", "--domain"},
      required = true,
      description = "Image domain, " + DomainNames.REGEX + " (topic hpt.images.<domain>).")
  String domain;

  @Option(
      names = {"-s", "--split"},
      defaultValue = "unlabeled",
      description =
          "Split recorded with the images: unlabeled, train, val, test (default ${DEFAULT-VALUE}).")
  String split;

  @Option(
      names = {"-l", "--labels"},
      description = "IDX label file for the IDX image file.")
  Path labels;

  @Option(
      names = "--skip-non-images",
      description = "Skip files that are not PNG/JPEG instead of failing.")
  boolean skipNonImages;

  @Option(
      names = "--compression",
      defaultValue = "lz4",
      description =
          "Producer compression: none, gzip, snappy, lz4, zstd (default ${DEFAULT-VALUE}).")
  String compression;

  @Option(
      names = "--partitions",
      defaultValue = "1",
      description = "Partitions when the topic is created by this run (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--batch-bytes",
      defaultValue = "" + Ingestor.DEFAULT_BATCH_BYTES,
      description =
          "Target size of one batch record, capped by the topic's limit (default ${DEFAULT-VALUE}).")
  int batchBytes;

  @Option(
      names = "--max-image-pixels",
      description =
          "Refuse images declaring more than this many pixels (width x height), checked from the"
              + " header before decoding; consumers apply the same cap (default ${DEFAULT-VALUE}).")
  long maxImagePixels = ImageLimits.DEFAULT.maxPixels();

  @Option(names = "--no-progress", description = "No progress bar.")
  boolean noProgress;

  @Parameters(
      arity = "1..*",
      paramLabel = "INPUT",
      description = "Folders, image files or IDX files.")
  List<Path> inputs;

  @Override
  public Integer call() {
    PrintStream err = System.err;
    IngestConfig config;
    try {
      Split parsedSplit;
      try {
        parsedSplit = Split.valueOf(split.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid --split '" + split + "': use unlabeled, train, val or test");
      }
      config =
          new IngestConfig(
              domain,
              parsedSplit,
              inputs,
              labels,
              skipNonImages,
              null,
              compression,
              partitions,
              batchBytes,
              new ImageLimits(maxImagePixels));
    } catch (IllegalArgumentException e) {
      err.println("hpt ingest: " + e.getMessage());
      return 2;
    }
    try (ConsoleProgress progress = new ConsoleProgress(!noProgress, err)) {
      IngestResult result = new Ingestor(client.clientConfig()).run(config, progressOf(progress));
      progress.close();
      err.print(result.summary());
      return result.success() ? 0 : 1;
    } catch (InvalidInputException e) {
      err.println("hpt ingest: bad input, nothing sent: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      // Sending failures are in the result; what escapes run() happened before the first send.
      err.println("hpt ingest: failed before sending anything: " + e.getMessage());
      return 1;
    }
  }

  /** Progress bars on stderr: files validated, then images acknowledged. */
  private static IngestListener progressOf(ConsoleProgress console) {
    return new IngestListener() {
      @Override
      public void onValidationStarted(int sources) {
        console.start("validate", sources, "files", 0, true);
      }

      @Override
      public void onSourceValidated(String source) {
        console.stepBy(1);
      }

      @Override
      public void onSendStarted(
          String topic, int images, long bytes, int batches, MessageLimits limits) {
        console.println(
            String.format(
                "sending %d images (%.1f MB) in %d batches to %s (%s)",
                images, bytes / 1e6, batches, topic, limits));
        console.start("send", images, "img", 0, true);
      }

      @Override
      public void onBatchAcknowledged(BatchReport batch) {
        console.stepBy(batch.images());
      }
    };
  }
}
