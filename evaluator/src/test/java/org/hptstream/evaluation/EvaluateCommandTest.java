package org.hptstream.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.hptstream.data.FashionMnist;
import org.hptstream.testing.Backbones;
import org.hptstream.testing.Checkpoints;
import org.hptstream.testing.Fmnist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hpt evaluate} on a real checkpoint written by core's store and the real Fashion-MNIST IDX
 * files (first 1,000 images of each split, probe 50 steps).
 */
class EvaluateCommandTest {
  @TempDir static Path tmp;
  static NDManager manager;
  static Path checkpoint;

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager();
    checkpoint =
        Checkpoints.write(
            tmp.resolve("store"), Backbones.random(2, manager), Backbones.stats(), "target", 0);
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new EvaluateCommand());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static String[] args(Path ck, Path test, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--checkpoint",
                ck.toString(),
                "--train",
                FashionMnist.trainImages().toString(),
                "--test",
                test.toString(),
                "--limit",
                "1000",
                "--steps",
                "50",
                "--knn-k",
                "20"));
    a.addAll(Arrays.asList(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void printsATableAndWritesJsonWithProvenance() throws IOException {
    Path outFile = tmp.resolve("results.json");
    Run r = run(args(checkpoint, FashionMnist.testImages(), "--out", outFile.toString()));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("sha256 ok").contains("loaded 100/100 backbone tensors");
    assertThat(r.out())
        .contains("checkpoint " + checkpoint.getFileName())
        .contains("linear")
        .contains("knn")
        .contains("health")
        .contains("top1")
        .contains("effective_rank");
    List<EvaluationResult> results = ResultFormat.parseJson(Files.readString(outFile));
    assertThat(results).hasSize(3);
    Provenance p = results.get(0).provenance();
    assertThat(p.checkpointId()).isEqualTo(checkpoint.getFileName().toString());
    assertThat(p.checkpointSha256()).hasSize(64);
    assertThat(p.splitSizes())
        .containsEntry("train", 900)
        .containsEntry("val", 100)
        .containsEntry("test", 1000);

    Run j = run(args(checkpoint, FashionMnist.testImages(), "--json", "--protocol", "knn"));
    assertThat(j.code()).isZero();
    assertThat(ResultFormat.parseJson(j.out()))
        .singleElement()
        .satisfies(e -> assertThat(e.provenance().protocol()).isEqualTo("knn"));
  }

  @Test
  void evaluatesASeededRandomNetworkWithoutACheckpoint() {
    String[] base = {
      "--train",
      FashionMnist.trainImages().toString(),
      "--test",
      FashionMnist.testImages().toString(),
      "--limit",
      "500",
      "--steps",
      "20",
      "--protocol",
      "linear",
      "--json",
      "--random-init",
      "resnet18-w8-small-in1"
    };
    List<String> hashes = new ArrayList<>();
    for (String seed : List.of("3", "3", "4")) {
      List<String> a = new ArrayList<>(Arrays.asList(base));
      a.addAll(List.of("--init-seed", seed));
      Run r = run(a.toArray(String[]::new));
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.err()).contains("random init random-resnet18-w8-small-in1-seed" + seed);
      Provenance p = ResultFormat.parseJson(r.out()).get(0).provenance();
      assertThat(p.checkpointId()).isEqualTo("random-resnet18-w8-small-in1-seed" + seed);
      assertThat(p.architecture()).isEqualTo("resnet18-w8-small-in1");
      hashes.add(p.checkpointSha256());
    }
    // seeded: the same seed draws the same network, another seed another one
    assertThat(hashes.get(0)).hasSize(64).isEqualTo(hashes.get(1)).isNotEqualTo(hashes.get(2));

    Run both = run(args(checkpoint, FashionMnist.testImages(), "--random-init", "resnet50"));
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("exactly one of --checkpoint and --random-init");
    List<String> neither = new ArrayList<>(Arrays.asList(base));
    neither.subList(neither.size() - 2, neither.size()).clear();
    assertThat(run(neither.toArray(String[]::new)).code()).isEqualTo(2);
  }

  @Test
  void checkpointOfAnotherArchitectureIsRefused() throws IOException {
    Run r = run(args(checkpoint, FashionMnist.testImages(), "--arch", "resnet50"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("holds a resnet18-w8-small-in1 backbone, expected resnet50");

    // A manifest that claims another architecture than its tensors have.
    Path copy = copyCheckpoint("claims-wider");
    Path manifest = copy.resolve("manifest.json");
    Files.writeString(
        manifest,
        Files.readString(manifest).replace("resnet18-w8-small-in1", "resnet18-w16-small-in1"));
    Run w = run(args(copy, FashionMnist.testImages()));
    assertThat(w.code()).isEqualTo(2);
    assertThat(w.err()).contains("bad input, nothing written").contains("resnet18-w16-small-in1");
  }

  @Test
  void checkpointWhoseHashDoesNotMatchIsRefused() throws IOException {
    Path copy = copyCheckpoint("tampered");
    Path npz = copy.resolve("backbone.npz");
    byte[] b = Files.readAllBytes(npz);
    b[b.length / 2] ^= 0x01;
    Files.write(npz, b);
    Path outFile = tmp.resolve("tampered.json");
    Run r = run(args(copy, FashionMnist.testImages(), "--out", outFile.toString()));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).containsIgnoringCase("sha").contains("nothing written");
    assertThat(outFile).doesNotExist();
  }

  @Test
  void missingEmptyOrOutOfRangeSplitsAreRefusedAndNothingIsWritten() throws IOException {
    Path outFile = tmp.resolve("never.json");
    Path cache = tmp.resolve("cache-never");
    Run missing =
        run(
            args(
                checkpoint,
                tmp.resolve("nope-images-idx3-ubyte.gz"),
                "--out",
                outFile.toString(),
                "--cache-dir",
                cache.toString()));
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--test").contains("no such file");

    Path emptyImages = tmp.resolve("empty-images-idx3-ubyte.gz");
    try (DataOutputStream out =
        new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(emptyImages)))) {
      out.writeInt(0x00000803);
      out.writeInt(0);
      out.writeInt(28);
      out.writeInt(28);
    }
    writeIdxLabels(tmp.resolve("empty-labels-idx1-ubyte.gz"), new int[0]);
    Run empty =
        run(
            args(
                checkpoint,
                emptyImages,
                "--out",
                outFile.toString(),
                "--cache-dir",
                cache.toString()));
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err()).contains("split is missing or empty");

    // The real test images with labels where one is 12 (Fashion-MNIST has 10 classes).
    int[] labels = Fmnist.test().labels();
    labels[5] = 12;
    Path badLabels = tmp.resolve("bad-labels-idx1-ubyte.gz");
    writeIdxLabels(badLabels, labels);
    Run range =
        run(
            args(
                checkpoint,
                FashionMnist.testImages(),
                "--test-labels",
                badLabels.toString(),
                "--out",
                outFile.toString(),
                "--cache-dir",
                cache.toString()));
    assertThat(range.code()).isEqualTo(2);
    assertThat(range.err()).contains("test split has label 12 (image 5) out of range [0, 10)");

    Run noCk =
        run(
            args(
                tmp.resolve("no-such-checkpoint"),
                FashionMnist.testImages(),
                "--out",
                outFile.toString()));
    assertThat(noCk.code()).isEqualTo(2);
    assertThat(noCk.err()).contains("not a checkpoint directory");
    assertThat(tmp.resolve("no-such-checkpoint")).doesNotExist();

    Run badProtocol =
        run(args(checkpoint, FashionMnist.testImages(), "--protocol", "linear,magic"));
    assertThat(badProtocol.code()).isEqualTo(2);
    assertThat(badProtocol.err()).contains("unknown protocol 'magic'");

    assertThat(outFile).doesNotExist();
    assertThat(cache).doesNotExist();
  }

  private static Path copyCheckpoint(String name) throws IOException {
    Path dst = tmp.resolve("copies-" + name).resolve(checkpoint.getFileName());
    Files.createDirectories(dst);
    try (var files = Files.list(checkpoint)) {
      for (Path f : files.toList()) {
        Files.copy(f, dst.resolve(f.getFileName()));
      }
    }
    return dst;
  }

  private static void writeIdxLabels(Path file, int[] labels) throws IOException {
    try (DataOutputStream out =
        new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(0x00000801);
      out.writeInt(labels.length);
      for (int l : labels) {
        out.writeByte(l);
      }
    }
  }
}
