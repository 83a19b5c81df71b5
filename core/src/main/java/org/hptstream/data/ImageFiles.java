package org.hptstream.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Walking folders of image files in a stable order. */
public final class ImageFiles {
  private ImageFiles() {}

  /**
   * All regular, non-hidden files below {@code root} (recursively), sorted by path so runs are
   * repeatable. Non-image files are included: callers decide whether they are an error.
   */
  public static List<Path> walk(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException(root + ": not a directory");
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .filter(
              p ->
                  !root.relativize(p).toString().startsWith(".")
                      && !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** True for names ending in .png, .jpg or .jpeg (any case). */
  public static boolean hasImageExtension(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
  }
}
