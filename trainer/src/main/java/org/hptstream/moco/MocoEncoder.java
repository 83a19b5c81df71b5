package org.hptstream.moco;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hptstream.model.ResNet;
import org.hptstream.model.ResNetConfig;

/**
 * One MoCo encoder: a torchvision-equivalent ResNet backbone (pooled features) followed by the MLP
 * {@link ProjectionHead}. Parameters are exposed by torchvision name in two groups, backbone and
 * head.
 */
public final class MocoEncoder {
  private final ResNet net;
  private final SequentialBlock head;
  private final SequentialBlock block;
  private final Map<String, Parameter> headParams;

  /** Builds and initialises an encoder in {@code manager} (the engine's RNG draws the backbone). */
  public MocoEncoder(NDManager manager, ResNetConfig arch, int dim) {
    this.net = ResNet.backbone(arch);
    net.initialize(manager);
    this.head = ProjectionHead.create(arch.featureDim(), dim);
    head.initialize(manager, DataType.FLOAT32, new Shape(1, arch.featureDim()));
    this.block = new SequentialBlock().add(net.backbone()).add(head);
    this.headParams = Collections.unmodifiableMap(ProjectionHead.named(head));
  }

  public ResNetConfig arch() {
    return net.config();
  }

  public ResNet resnet() {
    return net;
  }

  public SequentialBlock head() {
    return head;
  }

  /** Backbone parameters by torchvision name (running stats included). */
  public Map<String, Parameter> backboneParameters() {
    return net.backboneParameters();
  }

  /** Head parameters: {@code 0.weight, 0.bias, 2.weight, 2.bias}. */
  public Map<String, Parameter> headParameters() {
    return headParams;
  }

  /** Backbone then head parameters, names prefixed {@code backbone.} / {@code head.}. */
  public Map<String, Parameter> allParameters() {
    Map<String, Parameter> all = new LinkedHashMap<>();
    backboneParameters().forEach((k, v) -> all.put("backbone." + k, v));
    headParams.forEach((k, v) -> all.put("head." + k, v));
    return all;
  }

  /** Head output (not normalised) for float images; BN in train mode when {@code training}. */
  public NDArray project(NDArray images, boolean training) {
    ParameterStore ps = new ParameterStore(images.getManager(), false);
    return block.forward(ps, new NDList(images), training).singletonOrThrow();
  }

  /** Pooled backbone features. */
  public NDArray features(NDArray images, boolean training) {
    ParameterStore ps = new ParameterStore(images.getManager(), false);
    return net.backbone().forward(ps, new NDList(images), training).singletonOrThrow();
  }

  /** Freezes (no gradients) or unfreezes every parameter. */
  public void freezeAll(boolean frozen) {
    block.freezeParameters(frozen);
  }

  /**
   * HPT-BN: only BN gamma/beta of the backbone and the whole head take gradients; every other
   * backbone parameter (convs) is frozen. Running stats never take gradients.
   */
  public void trainOnlyBatchNormAndHead() {
    net.backbone().freezeParameters(true);
    net.backbone()
        .freezeParameters(
            false, p -> p.getType() == Parameter.Type.GAMMA || p.getType() == Parameter.Type.BETA);
    head.freezeParameters(false);
  }
}
