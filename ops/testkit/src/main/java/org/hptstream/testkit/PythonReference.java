package org.hptstream.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a PyTorch reference script of a test's own resources with Debian's {@code /usr/bin/python3}
 * (python3-torch, python3-torchvision: test dependencies, so a missing one fails the test instead
 * of skipping it).
 */
public final class PythonReference {
  private PythonReference() {}

  /**
   * Copies resource {@code script} of {@code owner}'s module into {@code dir}, runs it with {@code
   * args} and returns its stdout.
   *
   * @throws AssertionError on a non-zero exit (with stderr) or after 10 minutes
   */
  public static String run(Class<?> owner, Path dir, String script, List<String> args) {
    try {
      Path file = dir.resolve(Path.of(script).getFileName().toString());
      try (InputStream in = owner.getResourceAsStream("/" + script)) {
        if (in == null) throw new IllegalStateException("missing test resource " + script);
        Files.copy(in, file);
      }
      List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", file.toString()));
      cmd.addAll(args);
      Path err = dir.resolve(file.getFileName() + ".stderr");
      Process p =
          new ProcessBuilder(cmd)
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError(script + " did not finish in 10 minutes");
      }
      if (p.exitValue() != 0)
        throw new AssertionError(
            script + " exited with " + p.exitValue() + "; stderr:\n" + Files.readString(err));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
