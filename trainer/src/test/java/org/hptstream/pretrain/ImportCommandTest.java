package org.hptstream.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hptstream.checkpoint.Checkpoint;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.data.FashionMnist;
import org.hptstream.model.ResNetConfig;
import org.hptstream.model.TorchvisionWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hpt import} with real files and libtorch: the committed PyTorch fixture (a plain-torch
 * torchvision ResNet-18 of width 4, small-image stem, with fc) becomes a base checkpoint, an HPT
 * job on grey Fashion-MNIST starts from it, and bad input is refused without writing anything.
 */
class ImportCommandTest {
  /** A copy of core's fixture: a module's tests read only their own resources. */
  private static final Path FIXTURE = resource("/fixtures/resnet18-w4-small.npz");

  private static final String ARCH = "resnet18-w4-small";

  @TempDir Path tmp;

  /** Exit code, stdout and stderr of one command run through picocli. */
  private record Run(int exit, String out, String err) {}

  private static Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Run importFixture(Path store, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--weights",
                FIXTURE.toString(),
                "--arch",
                ARCH,
                "--domain",
                "imagenet",
                "--out",
                store.toString()));
    args.addAll(List.of(extra));
    return run(new ImportCommand(), args.toArray(String[]::new));
  }

  @Test
  void importedCheckpointHoldsExactlyTheFileTensors() throws Exception {
    Path store = tmp.resolve("store");
    Run r = importFixture(store);
    assertThat(r.exit()).as(r.err()).isZero();
    Path dir = Path.of(r.out().strip());
    assertThat(dir.getParent()).isEqualTo(store.toAbsolutePath());
    assertThat(r.err())
        .contains("loaded 100/100 backbone tensors, fc not loaded", "[fc.weight, fc.bias]");

    LocalCheckpointStore s = new LocalCheckpointStore(store);
    CheckpointManifest m = s.manifest(dir.getFileName().toString()).orElseThrow();
    assertThat(m.strategy()).isEqualTo("base");
    assertThat(m.steps()).isZero();
    assertThat(m.parentId()).isNull();
    assertThat(m.domain()).isEqualTo("imagenet");
    assertThat(m.architecture()).isEqualTo(ARCH);
    assertThat(m.normalization()).isEqualTo(BaseImport.IMAGENET);
    assertThat(m.data().source())
        .isEqualTo(FIXTURE.toAbsolutePath().normalize() + " sha256:" + sha256(FIXTURE));

    ResNetConfig arch = ResNetConfig.parse(ARCH);
    try (NDManager nd = NDManager.newBaseManager();
        Checkpoint c = s.get(m.id(), arch, nd)) {
      assertThat(c.groups()).containsExactly("backbone");
      Map<String, NDArray> file =
          TorchvisionWeights.read(FIXTURE, nd).stream()
              .collect(Collectors.toMap(NDArray::getName, a -> a));
      NDList stored = c.group("backbone");
      assertThat(stored).hasSize(100);
      for (NDArray a : stored) {
        assertThat(a.contentEquals(file.get(a.getName())))
            .as("%s bit-identical", a.getName())
            .isTrue();
      }
    }
  }

  @Test
  void hptJobOnGreyFashionMnistStartsFromTheImportedBase() {
    Path store = tmp.resolve("store");
    Run imported = importFixture(store);
    assertThat(imported.exit()).as(imported.err()).isZero();
    Path parent = Path.of(imported.out().strip());

    Path data = FashionMnist.DEFAULT_DIR.resolve("t10k-images-idx3-ubyte.gz");
    Run job =
        run(
            new PretrainCommand(),
            "--strategy",
            "hpt",
            "--parent",
            parent.toString(),
            "--data",
            data.toString(),
            "--limit",
            "256",
            "--out",
            store.toString(),
            "--steps",
            "2",
            "--batch-size",
            "8",
            "--queue-size",
            "32",
            "--image-size",
            "16",
            "--seed",
            "3",
            "--no-progress");
    assertThat(job.exit()).isZero();

    List<CheckpointManifest> hpt =
        new LocalCheckpointStore(store)
            .list().stream().filter(m -> m.strategy().equals("hpt")).toList();
    assertThat(hpt).hasSize(1);
    CheckpointManifest m = hpt.get(0);
    assertThat(m.parentId()).isEqualTo(parent.getFileName().toString());
    assertThat(m.architecture()).isEqualTo(ARCH);
    assertThat(m.steps()).isEqualTo(2);
    assertThat(m.finalLoss()).isFinite();
    // HPT normalises with the target domain's own statistics: grey values repeated on 3 channels,
    // not ImageNet's
    List<Double> mean = m.normalization().mean();
    assertThat(mean).hasSize(3).doesNotContainAnyElementsOf(BaseImport.IMAGENET.mean());
    assertThat(mean.get(1)).isEqualTo(mean.get(0));
    assertThat(mean.get(2)).isEqualTo(mean.get(0));
  }

  @Test
  void wrongArchitectureIsRefusedNamingTheMismatchesAndWritesNothing() {
    Path store = tmp.resolve("store");
    Run r =
        run(
            new ImportCommand(),
            "--weights",
            FIXTURE.toString(),
            "--arch",
            "resnet18-w8-small",
            "--domain",
            "imagenet",
            "--out",
            store.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .contains(
            "shape mismatch conv1.weight",
            "shape mismatch layer4.1.bn2.running_var",
            "hold a resnet18-w8-small? Nothing was written.");
    assertThat(store).doesNotExist();

    Run depth =
        run(
            new ImportCommand(),
            "--weights",
            FIXTURE.toString(),
            "--arch",
            "resnet34-w4-small",
            "--domain",
            "imagenet",
            "--out",
            store.toString());
    assertThat(depth.exit()).isEqualTo(2);
    assertThat(depth.err()).contains("missing backbone tensor layer1.2.conv1.weight");
    assertThat(store).doesNotExist();

    Run unknown =
        run(
            new ImportCommand(),
            "--weights",
            FIXTURE.toString(),
            "--arch",
            "vgg16",
            "--domain",
            "imagenet",
            "--out",
            store.toString());
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("not an architecture id");
    assertThat(store).doesNotExist();
  }

  @Test
  void truncatedFileIsRefusedAndWritesNothing() throws IOException {
    byte[] whole = Files.readAllBytes(FIXTURE);
    Path cut = tmp.resolve("cut.npz");
    Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
    Path store = tmp.resolve("store");
    Run r =
        run(
            new ImportCommand(),
            "--weights",
            cut.toString(),
            "--arch",
            ARCH,
            "--domain",
            "imagenet",
            "--out",
            store.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("cannot read weights from " + cut);
    assertThat(store).doesNotExist();

    Run missing =
        run(
            new ImportCommand(),
            "--weights",
            tmp.resolve("nope.npz").toString(),
            "--arch",
            ARCH,
            "--domain",
            "imagenet",
            "--out",
            store.toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(store).doesNotExist();
  }

  @Test
  void normalisationMustHaveOneValuePerChannel() {
    Path store = tmp.resolve("store");
    Run two = importFixture(store, "--mean", "0.5,0.5", "--std", "0.2,0.2");
    assertThat(two.exit()).isEqualTo(2);
    assertThat(two.err()).contains("mean/std have 2 values, " + ARCH + " has 3 input channel(s)");

    Run uneven = importFixture(store, "--mean", "0.5,0.5,0.5", "--std", "0.2,0.2");
    assertThat(uneven.exit()).isEqualTo(2);
    assertThat(uneven.err()).contains("one entry per channel");

    Run alone = importFixture(store, "--mean", "0.5,0.5,0.5");
    assertThat(alone.exit()).isEqualTo(2);
    assertThat(alone.err()).contains("--mean and --std together");

    Run grey =
        run(
            new ImportCommand(),
            "--weights",
            FIXTURE.toString(),
            "--arch",
            ARCH + "-in1",
            "--domain",
            "imagenet",
            "--out",
            store.toString());
    assertThat(grey.exit()).isEqualTo(2);
    assertThat(grey.err()).contains("give its mean/std");
    assertThat(store).doesNotExist();

    Run custom = importFixture(store, "--mean", "0.4,0.4,0.4", "--std", "0.3,0.3,0.3");
    assertThat(custom.exit()).as(custom.err()).isZero();
    CheckpointManifest m = new LocalCheckpointStore(store).list().get(0);
    assertThat(m.normalization().mean()).containsExactly(0.4, 0.4, 0.4);
    assertThat(m.normalization().std()).containsExactly(0.3, 0.3, 0.3);
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static Path resource(String name) {
    try {
      return Path.of(ImportCommandTest.class.getResource(name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
