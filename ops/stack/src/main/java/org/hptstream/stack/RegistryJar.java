package org.hptstream.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Apicurio Registry uber-jar. A distribution ships it in {@code lib/registry/}; in a source
 * checkout {@code ops/registry/build.sh} builds it once per machine into the cache ({@code
 * $HPT_CACHE/registry/}), reused by every checkout afterwards.
 */
public final class RegistryJar {

  /** Registry release we build and run (Confluent-compatible API, buildable from Maven Central). */
  public static final String VERSION = "2.4.2.Final";

  private static final long BUILD_TIMEOUT_MINUTES = 30;

  private RegistryJar() {}

  /** The jar's file name. */
  public static final String FILE_NAME = "apicurio-registry-" + VERSION + ".jar";

  /** Where the jar is (or, in a source checkout, will be after a build). */
  public static Path path() {
    return HptPaths.install()
        .map(dir -> dir.resolve("lib").resolve("registry"))
        .orElse(HptPaths.cache().resolve("registry"))
        .resolve(FILE_NAME);
  }

  /**
   * The jar, built first when missing (takes minutes on a fresh machine: Maven downloads the
   * registry's dependencies; ~50 s once they are in ~/.m2). The build script takes a file lock, so
   * concurrent callers build it once.
   */
  public static synchronized Path ensureBuilt() {
    Path jar = path();
    if (Files.isRegularFile(jar)) {
      return jar;
    }
    if (HptPaths.install().isPresent()) {
      throw new StackException(
          "the installation lacks the registry jar "
              + jar
              + ": it is incomplete, unpack the hpt archive again");
    }
    Path script = HptPaths.requireRepo().resolve("ops/registry/build.sh");
    if (!Files.isRegularFile(script)) {
      throw new StackException(
          "registry jar " + jar + " is missing and there is no " + script + " to build it");
    }
    Path log = jar.resolveSibling("build.log");
    try {
      Files.createDirectories(jar.getParent());
      ProcessBuilder pb =
          new ProcessBuilder("bash", script.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().put("HPT_CACHE", HptPaths.cache().toString());
      System.err.println("hpt: building the Apicurio registry jar once (log: " + log + ")");
      Process p = pb.start();
      if (!p.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new StackException(
            "registry build took over " + BUILD_TIMEOUT_MINUTES + " min; see " + log);
      }
      if (p.exitValue() != 0 || !Files.isRegularFile(jar)) {
        throw new StackException("registry build failed (exit " + p.exitValue() + "); see " + log);
      }
      return jar;
    } catch (IOException e) {
      throw new StackException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while building the registry jar", e);
    }
  }
}
