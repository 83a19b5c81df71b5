package org.hptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against PyTorch outputs of ops/tools/make_test_fixtures.py (a plain-torch torchvision ResNet).
 */
class TorchvisionWeightsTest {

  @TempDir Path dir;

  static void assertClose(NDArray actual, NDArray expected, double tol) {
    float diff = actual.sub(expected).abs().max().getFloat();
    assertThat((double) diff)
        .as(
            "max |diff| for %s (max |expected| %s)",
            expected.getName(), expected.abs().max().getFloat())
        .isLessThanOrEqualTo(tol);
  }

  static Path fixtureFile(Path dir, String name) throws IOException {
    Path p = dir.resolve(name);
    try (InputStream in = TorchvisionWeightsTest.class.getResourceAsStream("/fixtures/" + name)) {
      Files.copy(in, p);
    }
    return p;
  }

  static ResNet model(NDManager m, String id, int classes) {
    ResNet net = ResNet.withClassifier(ResNetConfig.parse(id), classes);
    net.initialize(m);
    return net;
  }

  @Test
  void importedWeightsReproducePyTorchOutputs() throws IOException {
    for (String id : List.of("resnet18-w4-small", "resnet50-w2-in1")) {
      try (NDManager m = NDManager.newBaseManager()) {
        NDList io = Fixtures.npz(m, id + "-io.npz");
        int classes = (int) io.get("logits").getShape().get(1);
        ResNet net = model(m, id, classes);
        LoadReport report = TorchvisionWeights.loadAll(net, fixtureFile(dir, id + ".npz"));
        assertThat(report.loadedBackbone())
            .isEqualTo(report.expectedBackbone())
            .isEqualTo(net.backboneParameters().size());
        assertThat(report.fcLoaded()).isTrue();
        assertThat(report.skippedHead()).isEmpty();

        NDArray x = io.get("input");
        assertClose(net.features(x, false), io.get("features"), 1e-5);
        assertClose(net.forward(x, false), io.get("logits"), 1e-5);
        // train-mode BN: batch statistics, and running stats updated with PyTorch's momentum 0.1.
        // Batch statistics over few values amplify float32 rounding: PyTorch's own float32 and
        // float64 results differ by up to 1e-4 on these fixtures, hence the looser bound.
        assertClose(net.features(x, true), io.get("train_features"), 5e-4);
        assertClose(
            net.backboneParameters().get("bn1.running_mean").getArray(),
            io.get("bn1_running_mean_after_train"),
            1e-6);
      }
    }
  }

  @Test
  void mocoCheckpointLoadsQueryEncoderAndReportsWhatItSkipped() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList ref = Fixtures.npz(m, "resnet18-w4-small.npz");
      NDList moco = new NDList();
      for (NDArray a : ref) {
        if (a.getName().startsWith("fc.")) {
          continue;
        }
        moco.add(named(a, "module.encoder_q." + a.getName()));
        moco.add(named(a.duplicate(), "module.encoder_k." + a.getName()));
        if (a.getName().endsWith("running_var")) {
          moco.add(
              named(
                  m.create(10L),
                  "module.encoder_q." + a.getName().replace("running_var", "num_batches_tracked")));
        }
      }
      moco.add(
          named(
              m.randomNormal(new ai.djl.ndarray.types.Shape(32, 32)),
              "module.encoder_q.fc.0.weight"));
      moco.add(named(m.zeros(new ai.djl.ndarray.types.Shape(32)), "module.encoder_q.fc.0.bias"));
      moco.add(named(m.randomNormal(new ai.djl.ndarray.types.Shape(128, 16)), "module.queue"));
      moco.add(named(m.create(0L), "module.queue_ptr"));

      ResNet net = ResNet.backbone(ResNetConfig.parse("resnet18-w4-small"));
      net.initialize(m);
      LoadReport report = TorchvisionWeights.load(net, moco, "moco.npz", false);
      assertThat(report.strippedPrefix()).isEqualTo("module.encoder_q.");
      assertThat(report.loadedBackbone()).isEqualTo(net.backboneParameters().size());
      assertThat(report.fcLoaded()).isFalse();
      assertThat(report.skippedHead())
          .containsExactly("module.encoder_q.fc.0.weight", "module.encoder_q.fc.0.bias");
      assertThat(report.skippedOther()).hasSize(net.backboneParameters().size() + 2);
      assertThat(report.ignoredBatchCounters()).isEqualTo(20);
      assertThat(report.summary()).contains("loaded 100/100 backbone tensors", "module.encoder_q.");
      NDList io = Fixtures.npz(m, "resnet18-w4-small-io.npz");
      assertClose(net.forward(io.get("input"), false), io.get("features"), 1e-5);
    }
  }

  @Test
  void exportImportRoundTripsBitExactly() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(1);
      ResNet a = model(m, "resnet18-w8-small-in1", 10);
      Engine.getInstance().setRandomSeed(2);
      ResNet b = model(m, "resnet18-w8-small-in1", 10);
      Path file = dir.resolve("out/a.npz");
      TorchvisionWeights.export(a, true, file);
      LoadReport report = TorchvisionWeights.loadAll(b, file);
      assertThat(report.fcLoaded()).isTrue();
      for (Map.Entry<String, Parameter> e : a.namedParameters().entrySet()) {
        assertThat(
                b.namedParameters()
                    .get(e.getKey())
                    .getArray()
                    .contentEquals(e.getValue().getArray()))
            .as(e.getKey())
            .isTrue();
      }
      assertThat(dir.resolve("out")).isDirectoryNotContaining("glob:**.tmp");
    }
  }

  @Test
  void mismatchedShapesFailListingThemAndLeaveTheModelUntouched() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      ResNet wider = model(m, "resnet18-w8-small", 10);
      NDArray before = wider.backboneParameters().get("conv1.weight").getArray().duplicate();
      Path file = fixtureFile(dir, "resnet18-w4-small.npz");
      assertThatThrownBy(() -> TorchvisionWeights.loadBackbone(wider, file))
          .isInstanceOf(WeightLoadException.class)
          .hasMessageContaining(
              "shape mismatch conv1.weight: file (4, 3, 3, 3), model (8, 3, 3, 3)")
          .hasMessageContaining("shape mismatch layer4.1.bn2.running_var");
      assertThat(wider.backboneParameters().get("conv1.weight").getArray().contentEquals(before))
          .isTrue();
    }
  }

  @Test
  void missingAndUnexpectedKeysFailLoudly() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList ref = Fixtures.npz(m, "resnet18-w4-small.npz");
      NDList tampered = new NDList();
      for (NDArray a : ref) {
        if (!a.getName().equals("layer3.1.bn2.running_var")) {
          tampered.add(a);
        }
      }
      tampered.add(named(m.zeros(new ai.djl.ndarray.types.Shape(3)), "layer5.0.bn1.weight"));
      ResNet net = model(m, "resnet18-w4-small", 10);
      assertThatThrownBy(() -> TorchvisionWeights.load(net, tampered, "tampered", false))
          .isInstanceOf(WeightLoadException.class)
          .hasMessageContaining("missing backbone tensor layer3.1.bn2.running_var")
          .hasMessageContaining("unexpected key layer5.0.bn1.weight");
    }
  }

  @Test
  void classifierOfAnotherSizeIsSkippedUnlessRequired() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      ResNet fiveWay = model(m, "resnet18-w4-small", 5);
      Path file = fixtureFile(dir, "resnet18-w4-small.npz");
      LoadReport report = TorchvisionWeights.loadBackbone(fiveWay, file);
      assertThat(report.fcLoaded()).isFalse();
      assertThat(report.skippedHead()).containsExactly("fc.weight", "fc.bias");
      assertThatThrownBy(() -> TorchvisionWeights.loadAll(fiveWay, file))
          .hasMessageContaining("fc required but the source's fc");
    }
  }

  @Test
  void truncatedFileIsRefused() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      byte[] bytes = Files.readAllBytes(fixtureFile(dir, "resnet18-w4-small.npz"));
      Path truncated = dir.resolve("truncated.npz");
      Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
      ResNet net = model(m, "resnet18-w4-small", 10);
      assertThatThrownBy(() -> TorchvisionWeights.loadBackbone(net, truncated))
          .isInstanceOf(WeightLoadException.class)
          .hasMessageContaining("truncated.npz");
    }
  }

  /**
   * Real PyTorch: our export -> npz_to_pth.py -> strict load_state_dict -> same outputs; and back.
   */
  @Test
  void exportsLoadInPyTorchAndConvertBack() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      ResNet net = model(m, "resnet18-w4-small", 10);
      NDList io = Fixtures.npz(m, "resnet18-w4-small-io.npz");
      Path exported = dir.resolve("ours.npz");
      TorchvisionWeights.export(net, true, exported);
      Path pth = dir.resolve("ours.pth");
      Path inputs = dir.resolve("input.npz");
      Path torchOut = dir.resolve("torch-logits.npz");
      Path back = dir.resolve("back.npz");
      try (var out = Files.newOutputStream(inputs)) {
        new NDList(named(io.get("input"), "input")).encode(out, NDList.Encoding.NPZ);
      }
      Path tools = Path.of("..", "ops", "tools").toAbsolutePath().normalize();
      python(tools.resolve("npz_to_pth.py").toString(), exported.toString(), pth.toString());
      python(
          "-c",
          String.join(
              "\n",
              "import sys, numpy as np, torch",
              "sys.path.insert(0, sys.argv[1])",
              "from make_test_fixtures import ResNet, BasicBlock",
              "torch.set_num_threads(1)",
              "model = ResNet(BasicBlock, [2, 2, 2, 2], 10, 4, True, 3)",
              "model.load_state_dict(torch.load(sys.argv[2]), strict=True)",
              "model.eval()",
              "x = torch.from_numpy(np.load(sys.argv[3])['input'])",
              "np.savez(sys.argv[4], logits=model(x).detach().numpy())"),
          tools.toString(),
          pth.toString(),
          inputs.toString(),
          torchOut.toString());
      python(tools.resolve("pth_to_npz.py").toString(), pth.toString(), back.toString());

      NDArray ours = net.forward(io.get("input"), false);
      try (var in = Files.newInputStream(torchOut)) {
        assertClose(ours, NDList.decode(m, in).get("logits"), 1e-5);
      }
      Engine.getInstance().setRandomSeed(4);
      ResNet reloaded = model(m, "resnet18-w4-small", 10);
      LoadReport report = TorchvisionWeights.loadAll(reloaded, back);
      assertThat(report.ignoredBatchCounters()).isEqualTo(20);
      assertThat(reloaded.forward(io.get("input"), false).contentEquals(ours)).isTrue();
    }
  }

  private static void python(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/python3"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    int rc = p.waitFor();
    assertThat(rc).as("python %s failed:\n%s", args[0], out).isZero();
  }

  private static NDArray named(NDArray a, String name) {
    a.setName(name);
    return a;
  }
}
