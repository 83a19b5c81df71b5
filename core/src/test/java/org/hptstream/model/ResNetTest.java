package org.hptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResNetTest {

  @Test
  void resnet50WithFc1000HasTorchvisionParameterCount() {
    try (NDManager m = NDManager.newBaseManager()) {
      ResNet net = ResNet.withClassifier(ResNetConfig.resnet50(), 1000);
      net.initialize(m);
      // Learnable parameters only; torchvision's 25,557,032 also excludes BN running stats.
      assertThat(net.learnableParameterCount()).isEqualTo(25_557_032L);
      assertThat(net.featureDim()).isEqualTo(2048);
      assertThat(net.namedParameters())
          .hasSize(267); // 320 state_dict keys - 53 num_batches_tracked
    }
  }

  @Test
  void resnet18WithFc10HasTorchvisionParameterCount() {
    try (NDManager m = NDManager.newBaseManager()) {
      ResNet net = ResNet.withClassifier(ResNetConfig.resnet18(), 10);
      net.initialize(m);
      assertThat(net.learnableParameterCount())
          .isEqualTo(11_181_642L); // torchvision resnet18(num_classes=10)
      assertThat(net.featureDim()).isEqualTo(512);
      assertThat(net.backboneParameters().keySet())
          .startsWith(
              "conv1.weight",
              "bn1.weight",
              "bn1.bias",
              "bn1.running_mean",
              "bn1.running_var",
              "layer1.0.conv1.weight");
      assertThat(net.namedParameters().keySet())
          .endsWith("layer4.1.bn2.running_var", "fc.weight", "fc.bias");
    }
  }

  @Test
  void smallImageStemCountsAsTheCifarResNet18() {
    try (NDManager m = NDManager.newBaseManager()) {
      ResNet small = ResNet.withClassifier(ResNetConfig.resnet18().withSmallImage(true), 10);
      small.initialize(m);
      // 3x3 stem instead of 7x7: 3 * 64 * (49 - 9) = 7,680 fewer than torchvision's resnet18
      assertThat(small.learnableParameterCount()).isEqualTo(11_173_962L);
      ResNet imagenet = ResNet.withClassifier(ResNetConfig.resnet18(), 1000);
      imagenet.initialize(m);
      assertThat(imagenet.learnableParameterCount()).isEqualTo(11_689_512L);
    }
  }

  @Test
  void namesAndShapesFollowTorchvisionStateDictOrder() {
    // The fixtures' keys were written by a plain-torch copy of torchvision's ResNet, in order.
    for (String id : List.of("resnet18-w4-small", "resnet50-w2-in1")) {
      try (NDManager m = NDManager.newBaseManager()) {
        NDList reference = Fixtures.npz(m, id + ".npz");
        int classes = (int) reference.get("fc.bias").getShape().get(0);
        ResNet net = ResNet.withClassifier(ResNetConfig.parse(id), classes);
        net.initialize(m);
        assertThat(net.namedParameters().keySet())
            .containsExactlyElementsOf(reference.stream().map(NDArray::getName).toList());
        for (NDArray ref : reference) {
          assertThat(net.namedParameters().get(ref.getName()).getArray().getShape())
              .as(ref.getName())
              .isEqualTo(ref.getShape());
        }
      }
    }
  }

  @Test
  void resnet50ForwardsA224PixelBatchOnCpu() {
    try (NDManager m = NDManager.newBaseManager()) {
      ResNet net = ResNet.withClassifier(ResNetConfig.resnet50(), 1000);
      net.initialize(m);
      NDArray x = m.randomNormal(new Shape(2, 3, 224, 224));
      NDArray logits = net.forward(x, false);
      assertThat(logits.getShape()).isEqualTo(new Shape(2, 1000));
      assertThat(logits.isNaN().any().getBoolean()).isFalse();
      assertThat(net.features(x, false).getShape()).isEqualTo(new Shape(2, 2048));
    }
  }

  @Test
  void smallImageBackboneOnGreyImages() {
    try (NDManager m = NDManager.newBaseManager()) {
      ResNetConfig config = new ResNetConfig(18, 8, true, 1);
      ResNet net = ResNet.backbone(config);
      net.initialize(m);
      assertThat(net.fcParameters()).isEmpty();
      assertThat(net.numClasses()).isEmpty();
      NDArray features = net.forward(m.randomNormal(new Shape(3, 1, 28, 28)), true);
      assertThat(features.getShape()).isEqualTo(new Shape(3, 64));
    }
  }

  @Test
  void composingAnInitialisedBackboneKeepsItsWeightsAndCopiesAreExact() {
    try (NDManager m = NDManager.newBaseManager()) {
      ResNetConfig config = ResNetConfig.parse("resnet18-w4-small");
      ResNet query = ResNet.backbone(config);
      query.initialize(m);
      NDArray before =
          query.backboneParameters().get("layer1.0.conv1.weight").getArray().duplicate();
      SequentialBlock withHead =
          new SequentialBlock().add(query.backbone()).add(ResNet.linear(32, 8));
      withHead.initialize(m, DataType.FLOAT32, new Shape(1, 3, 16, 16));
      assertThat(
              query
                  .backboneParameters()
                  .get("layer1.0.conv1.weight")
                  .getArray()
                  .contentEquals(before))
          .isTrue();

      ResNet key = ResNet.backbone(config);
      key.initialize(m);
      assertThat(
              ParameterCopy.copyParameters(
                  key.backboneParameters(), query.backboneParameters(), "q->k"))
          .isEqualTo(query.backboneParameters().size());
      NDArray x = m.randomNormal(new Shape(2, 3, 16, 16));
      assertThat(key.features(x, false).contentEquals(query.features(x, false))).isTrue();
      ResNet wider = ResNet.backbone(config.withWidth(8));
      wider.initialize(m);
      assertThatThrownBy(
              () ->
                  ParameterCopy.copyParameters(
                      wider.backboneParameters(), query.backboneParameters(), "q->wider"))
          .isInstanceOf(WeightLoadException.class)
          .hasMessageContaining("shape mismatch conv1.weight");
    }
  }

  @Test
  void initialisationIsTorchvisions() {
    Engine.getInstance().setRandomSeed(7);
    try (NDManager m = NDManager.newBaseManager()) {
      ResNet net = ResNet.withClassifier(ResNetConfig.resnet18(), 10);
      net.initialize(m);
      Map<String, Parameter> p = net.namedParameters();
      // kaiming normal, fan_out: std = sqrt(2 / (512 * 3 * 3)) over 2.4M samples
      NDArray w = p.get("layer4.1.conv2.weight").getArray();
      double std = Math.sqrt(w.pow(2).mean().getFloat());
      assertThat(std).isCloseTo(Math.sqrt(2.0 / (512 * 9)), within(2e-4));
      assertThat(w.mean().getFloat()).isCloseTo(0f, within(1e-4f));
      assertThat(p.get("layer2.0.bn1.weight").getArray().eq(1f).all().getBoolean()).isTrue();
      assertThat(p.get("layer2.0.bn1.bias").getArray().eq(0f).all().getBoolean()).isTrue();
      assertThat(p.get("layer2.0.bn1.running_var").getArray().eq(1f).all().getBoolean()).isTrue();
      assertThat(p.get("layer2.0.bn1.running_mean").getArray().eq(0f).all().getBoolean()).isTrue();
      float bound = (float) (1 / Math.sqrt(512));
      NDArray fc = p.get("fc.weight").getArray();
      assertThat(fc.abs().max().getFloat()).isLessThanOrEqualTo(bound).isGreaterThan(0.9f * bound);
      assertThat(ResNet.isRunningStat(p.get("bn1.running_mean"))).isTrue();
      assertThat(p.get("bn1.running_mean").requiresGradient()).isFalse();
    }
  }

  @Test
  void architectureIdRoundTrips() {
    for (ResNetConfig c :
        List.of(
            ResNetConfig.resnet50(),
            ResNetConfig.resnet18(),
            new ResNetConfig(18, 16, true, 3),
            new ResNetConfig(101, 32, false, 1))) {
      assertThat(ResNetConfig.parse(c.id())).isEqualTo(c);
    }
    assertThat(new ResNetConfig(18, 16, true, 3).id()).isEqualTo("resnet18-w16-small");
    assertThat(ResNetConfig.resnet50().id()).isEqualTo("resnet50");
    assertThat(new ResNetConfig(18, 8, true, 1).id()).isEqualTo("resnet18-w8-small-in1");
    assertThatThrownBy(() -> ResNetConfig.parse("vit-b16")).hasMessageContaining("vit-b16");
    assertThatThrownBy(() -> new ResNetConfig(20, 64, false, 3)).hasMessageContaining("depth 20");
  }
}
