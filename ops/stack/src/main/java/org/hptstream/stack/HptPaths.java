package org.hptstream.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the repository and the per-user build cache are, as the {@code hpt} launcher sees them. */
public final class HptPaths {

  private HptPaths() {}

  /**
   * The repository root: system property {@code hpt.home} (set by the launcher), else the nearest
   * directory at or above the working directory that holds both {@code hpt} and {@code pom.xml}.
   */
  public static Optional<Path> home() {
    String prop = System.getProperty("hpt.home");
    if (prop != null && !prop.isBlank()) {
      return Optional.of(Path.of(prop).toAbsolutePath().normalize());
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("hpt")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  /** Like {@link #home()}, failing with a clear message when the repository cannot be found. */
  public static Path requireHome() {
    return home()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "cannot find the HPT Stream repository: set -Dhpt.home=<repo> or run from inside it"));
  }

  /** Build cache shared by all checkouts: {@code $HPT_CACHE}, default {@code ~/.cache/hpt}. */
  public static Path cache() {
    String env = System.getenv("HPT_CACHE");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath();
    }
    return Path.of(System.getProperty("user.home"), ".cache", "hpt");
  }
}
