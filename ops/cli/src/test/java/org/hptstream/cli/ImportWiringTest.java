package org.hptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hpt import} is reachable from the root command and prints the checkpoint directory. */
class ImportWiringTest {
  @TempDir Path tmp;

  @Test
  void importThroughTheRootCommandPrintsACheckpointDirectory() throws Exception {
    // torchvision-named weights of a small ResNet-18 (ops/tools/make_test_fixtures.py), a copy of
    // core's fixture: a module's tests read only their own resources.
    Path fixture = Path.of(getClass().getResource("/fixtures/resnet18-w4-small.npz").toURI());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine hpt = Hpt.newCommandLine();
    hpt.setOut(new PrintWriter(out, true));
    hpt.setErr(new PrintWriter(err, true));
    int exit =
        hpt.execute(
            "import",
            "--weights",
            fixture.toString(),
            "--arch",
            "resnet18-w4-small",
            "--domain",
            "imagenet",
            "--out",
            tmp.toString());
    assertThat(exit).as(err.toString()).isZero();
    Path dir = Path.of(out.toString().strip());
    assertThat(dir.getFileName().toString()).startsWith("imagenet-base-0-");
    assertThat(Files.isRegularFile(dir.resolve("manifest.json"))).isTrue();
  }
}
