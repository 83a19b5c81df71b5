package org.hptstream.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Runs a PyTorch reference script of this module's test resources with Debian's {@code
 * /usr/bin/python3} (python3-torch, python3-torchvision): a test dependency, so a missing one fails
 * the test instead of skipping it.
 */
final class PythonReference {
  private PythonReference() {}

  /**
   * Copies resource {@code script} into {@code dir}, runs it with {@code args} and returns its
   * stdout; fails the test on a non-zero exit, with stderr.
   */
  static String run(Path dir, String script, List<String> args) {
    try {
      Path file = dir.resolve(Path.of(script).getFileName().toString());
      try (InputStream in = PythonReference.class.getResourceAsStream("/" + script)) {
        if (in == null) throw new IllegalStateException("missing test resource " + script);
        Files.copy(in, file);
      }
      List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", file.toString()));
      cmd.addAll(args);
      Path err = dir.resolve(file.getFileName() + ".stderr");
      Process p =
          new ProcessBuilder(cmd)
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("%s finished", script).isTrue();
      assertThat(p.exitValue()).as("%s exit; stderr:%n%s", script, Files.readString(err)).isZero();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
