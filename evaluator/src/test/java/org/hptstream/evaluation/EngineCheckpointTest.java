package org.hptstream.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hptstream.data.FashionMnist;
import org.hptstream.pretrain.PretrainCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A checkpoint as the engine writes it: {@code hpt pretrain --strategy target} (MoCo v2, cpu-small
 * profile: ResNet-18 width 16, small-image stem, RGB, 32 px views) for 8 steps on 1,000
 * Fashion-MNIST images, then {@code hpt evaluate} on it. The trainer is a test-only dependency.
 */
class EngineCheckpointTest {
  @TempDir Path tmp;

  static String run(Object command, int expectedCode, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(command);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    assertThat(code).as(err.toString()).isEqualTo(expectedCode);
    return out.toString();
  }

  @Test
  void evaluatesWhatHptPretrainWrites() throws Exception {
    Path store = tmp.resolve("store");
    run(
        new PretrainCommand(),
        0,
        "--strategy",
        "target",
        "--data",
        FashionMnist.trainImages().toString(),
        "--out",
        store.toString(),
        "--steps",
        "8",
        "--limit",
        "1000",
        "--no-progress");
    Path checkpoint;
    try (var dirs = Files.list(store)) {
      checkpoint =
          dirs.filter(d -> Files.isRegularFile(d.resolve("manifest.json")))
              .findFirst()
              .orElseThrow();
    }
    String json =
        run(
            new EvaluateCommand(),
            0,
            "--checkpoint",
            checkpoint.toString(),
            "--train",
            FashionMnist.trainImages().toString(),
            "--test",
            FashionMnist.testImages().toString(),
            "--limit",
            "600",
            "--steps",
            "30",
            "--knn-k",
            "20",
            "--protocol",
            "linear,knn,health",
            "--json");
    List<EvaluationResult> results = ResultFormat.parseJson(json);
    assertThat(results)
        .extracting(r -> r.provenance().protocol())
        .containsExactly("linear", "knn", "health");
    assertThat(results.get(0).provenance().architecture()).isEqualTo("resnet18-w16-small");
    assertThat(results.get(0).metric("top1").orElseThrow().value()).isGreaterThan(0.3);
    assertThat(results.get(2).metric("collapsed").orElseThrow().value()).isZero();
  }
}
