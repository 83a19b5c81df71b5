package org.hptstream.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.hptstream.data.Idx;
import org.hptstream.data.ImageDecoder;
import org.hptstream.data.ImageFiles;
import org.hptstream.data.ImageSet;
import org.hptstream.data.InvalidImageDataException;
import org.hptstream.schemas.ImageFormat;

/**
 * Turns the command's inputs into validated {@link ImageItem}s before anything is sent: every
 * PNG/JPEG is fully decoded, IDX files are parsed and their labels counted. All problems are
 * collected (up to {@link #MAX_PROBLEMS}) so one run reports them together.
 */
final class SourcePlanner {
  static final int MAX_PROBLEMS = 20;

  /** Validated images in send order, plus what was skipped. */
  record Plan(List<ImageItem> images, long totalBytes, List<String> skipped) {}

  private SourcePlanner() {}

  static Plan plan(IngestConfig config, IngestListener listener) throws InvalidInputException {
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    List<Path> files = new ArrayList<>(); // PNG/JPEG candidates, in order
    List<String> fileNames = new ArrayList<>();
    List<Path> idxFiles = new ArrayList<>();
    for (Path source : config.sources()) {
      if (!Files.exists(source)) {
        problems.add(source + ": no such file or directory");
      } else if (Files.isDirectory(source)) {
        try {
          Path name = source.toAbsolutePath().normalize().getFileName();
          for (Path f : ImageFiles.walk(source)) {
            files.add(f);
            fileNames.add((name == null ? "" : name + "/") + source.relativize(f));
          }
        } catch (IOException e) {
          problems.add(source + ": cannot list folder: " + e.getMessage());
        }
      } else if (!Files.isRegularFile(source)) {
        problems.add(source + ": cannot read: not a regular file or folder");
      } else if (!Files.isReadable(source)) {
        problems.add(source + ": cannot read file (permission denied)");
      } else if (Idx.looksLikeIdx(source)) {
        idxFiles.add(source);
      } else {
        files.add(source);
        fileNames.add(source.getFileName().toString());
      }
    }
    if (config.labels() != null && idxFiles.size() != 1) {
      problems.add(
          "--labels "
              + config.labels()
              + " needs exactly one IDX image file among the inputs, found "
              + idxFiles.size());
    }
    if (config.labels() != null) {
      if (!Files.exists(config.labels())) {
        problems.add(config.labels() + ": no such label file");
      } else if (!Files.isRegularFile(config.labels())) {
        problems.add(config.labels() + ": cannot read label file: not a regular file");
      } else if (!Files.isReadable(config.labels())) {
        problems.add(config.labels() + ": cannot read label file (permission denied)");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    listener.onValidationStarted(files.size() + idxFiles.size());

    List<ImageItem> items = new ArrayList<>();
    long[] totalBytes = {0};
    for (Path idx : idxFiles) {
      try {
        ImageSet set = Idx.read(idx, config.labels(), config.imageLimits());
        String name = idx.getFileName().toString();
        int n = set.imageBytes();
        byte[] px = set.pixels();
        List<ImageItem> fromSet =
            IntStream.range(0, set.size())
                .parallel()
                .mapToObj(
                    i ->
                        (ImageItem)
                            new ImageItem.IdxImage(
                                set,
                                i,
                                name + "#" + i,
                                ContentIds.ofPixels(
                                    set.channels(), set.height(), set.width(), px, i * n, n),
                                set.hasLabels() ? set.label(i) : null))
                .toList();
        items.addAll(fromSet);
        totalBytes[0] += (long) n * set.size();
      } catch (InvalidImageDataException e) {
        problems.add(e.getMessage());
      } catch (IOException e) {
        problems.add(
            idx + (config.labels() == null ? "" : " / " + config.labels()) + ": cannot read: " + e);
      }
      listener.onSourceValidated(idx.toString());
    }

    ImageItem[] fileItems = new ImageItem[files.size()];
    List<String> skipped = Collections.synchronizedList(new ArrayList<>());
    IntStream.range(0, files.size())
        .parallel()
        .forEach(
            i -> {
              if (problems.size() >= MAX_PROBLEMS) {
                return;
              }
              Path f = files.get(i);
              try {
                byte[] bytes = Files.readAllBytes(f);
                org.hptstream.data.ImageFormat format = org.hptstream.data.ImageFormat.sniff(bytes);
                if (format == null) {
                  if (config.skipNonImages()) {
                    skipped.add(f.toString());
                  } else {
                    problems.add(
                        f + ": not a PNG or JPEG image (use --skip-non-images to skip such files)");
                  }
                } else {
                  ImageDecoder.decode(bytes, f.toString(), config.imageLimits());
                  fileItems[i] =
                      new ImageItem.FileImage(
                          f,
                          fileNames.get(i),
                          ImageFormat.valueOf(format.name()),
                          ContentIds.ofEncoded(bytes),
                          bytes.length);
                }
              } catch (InvalidImageDataException e) {
                problems.add(e.getMessage());
              } catch (IOException e) {
                problems.add(f + ": cannot read: " + e);
              }
              listener.onSourceValidated(f.toString());
            });
    if (!problems.isEmpty()) {
      List<String> sorted = new ArrayList<>(problems);
      Collections.sort(sorted);
      if (sorted.size() >= MAX_PROBLEMS) {
        sorted.add("(stopped validating after " + MAX_PROBLEMS + " problems)");
      }
      throw new InvalidInputException(sorted);
    }
    for (ImageItem item : fileItems) {
      if (item != null) {
        items.add(item);
        totalBytes[0] += ((ImageItem.FileImage) item).size();
      }
    }
    if (items.isEmpty()) {
      throw new InvalidInputException(
          "no images found in "
              + config.sources()
              + (skipped.isEmpty() ? "" : " (" + skipped.size() + " non-image files skipped)"));
    }
    List<String> skippedSorted = new ArrayList<>(skipped);
    Collections.sort(skippedSorted);
    return new Plan(items, totalBytes[0], skippedSorted);
  }
}
