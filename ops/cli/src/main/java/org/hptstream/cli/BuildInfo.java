package org.hptstream.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.hptstream.stack.HptPaths;
import picocli.CommandLine;

/**
 * What {@code hpt --version} prints: the version and git commit recorded at build time, the
 * libtorch that DJL loaded (version and flavour: cpu, or a CUDA build) and the device it found, and
 * where this hpt keeps its files.
 */
final class BuildInfo implements CommandLine.IVersionProvider {

  private static final String RESOURCE = "build.properties";

  /** Version and commit, {@code dev}/{@code unknown} when the build recorded none. */
  static Properties recorded() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    return p;
  }

  @Override
  public String[] getVersion() {
    Properties build = recorded();
    List<String> lines = new ArrayList<>();
    lines.add(
        "hpt "
            + build.getProperty("version", "dev")
            + " (commit "
            + build.getProperty("commit", "unknown")
            + ")");
    lines.add(
        "java     " + System.getProperty("java.version") + " " + System.getProperty("java.home"));
    lines.add(libtorch());
    lines.add(
        "install  "
            + HptPaths.install()
                .map(Path::toString)
                .orElse(HptPaths.repo().map(r -> r + " (source checkout)").orElse("?")));
    lines.add(
        "home     " + HptPaths.home() + " (data and configuration; $" + HptPaths.HOME_ENV + ")");
    return lines.toArray(String[]::new);
  }

  private static String libtorch() {
    try {
      Engine engine = Engine.getEngine("PyTorch");
      // DJL unpacks libtorch into a directory named <version>[-<build date>]-<flavour>-<os>-<arch>,
      // e.g. 2.7.1-20250812-cpu-linux-x86_64 or 2.7.1-cu124-linux-x86_64.
      Path lib = Path.of(LibUtils.getLibtorchPath());
      String version = engine.getVersion();
      String flavour = "?";
      for (String part : lib.getFileName().toString().split("-")) {
        if (part.matches("cpu|cu\\d+\\w*|rocm\\w*|mps")) {
          flavour = part;
          break;
        }
      }
      return String.format(
          "libtorch %s, flavour %s (%s), device %s (GPUs: %d)",
          version, flavour, lib, engine.defaultDevice(), engine.getGpuCount());
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      return "libtorch not loadable: " + e.getMessage();
    }
  }
}
