package org.hptstream.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where hpt's files are. Two ways to run it:
 *
 * <ul>
 *   <li>an installed distribution ({@code bin/hpt} sets {@value #INSTALL_PROPERTY}): the broker and
 *       registry jars come with it, under {@code lib/broker} and {@code lib/registry};
 *   <li>a source checkout ({@code ./hpt} sets {@value #REPO_PROPERTY}; tests find the repository
 *       above their working directory): the broker jars are built into {@code
 *       ops/stack/target/kafka-libs}, the registry jar into the build {@link #cache()}.
 * </ul>
 *
 * Data and configuration (the local stack's logs and topics, the demo's files) live in {@link
 * #home()}, outside the installation, so an upgrade keeps them.
 */
public final class HptPaths {

  /** System property naming the installation directory (set by a distribution's bin/hpt). */
  public static final String INSTALL_PROPERTY = "hpt.install";

  /** System property naming the source checkout's root (set by the repository's ./hpt). */
  public static final String REPO_PROPERTY = "hpt.repo";

  /** Environment variable naming the data and configuration directory. */
  public static final String HOME_ENV = "HPT_HOME";

  private HptPaths() {}

  /** The installation directory when running from a distribution. */
  public static Optional<Path> install() {
    return property(INSTALL_PROPERTY);
  }

  /**
   * The source checkout's root: system property {@value #REPO_PROPERTY}, else (when not running
   * from a distribution) the nearest directory at or above the working directory that holds both
   * {@code hpt} and {@code pom.xml}.
   */
  public static Optional<Path> repo() {
    Optional<Path> prop = property(REPO_PROPERTY);
    if (prop.isPresent() || install().isPresent()) {
      return prop;
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("hpt")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  /** Like {@link #repo()}, failing with a clear message when there is no source checkout. */
  public static Path requireRepo() {
    return repo()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "cannot find the HPT Stream repository: set -D"
                        + REPO_PROPERTY
                        + "=<repo> or run from inside it"));
  }

  /**
   * Data and configuration: {@code $HPT_HOME}; else {@code <repo>/.hpt} in a source checkout (git
   * ignores it); else {@code $XDG_DATA_HOME/hpt}, by default {@code ~/.local/share/hpt}.
   */
  public static Path home() {
    String env = System.getenv(HOME_ENV);
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath().normalize();
    }
    Optional<Path> repo = repo();
    if (repo.isPresent()) {
      return repo.get().resolve(".hpt");
    }
    String xdg = System.getenv("XDG_DATA_HOME");
    Path data =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "share");
    return data.resolve("hpt").toAbsolutePath().normalize();
  }

  /** Build cache shared by all checkouts: {@code $HPT_CACHE}, default {@code ~/.cache/hpt}. */
  public static Path cache() {
    String env = System.getenv("HPT_CACHE");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath();
    }
    return Path.of(System.getProperty("user.home"), ".cache", "hpt");
  }

  private static Optional<Path> property(String name) {
    String value = System.getProperty(name);
    return value == null || value.isBlank()
        ? Optional.empty()
        : Optional.of(Path.of(value).toAbsolutePath().normalize());
  }
}
