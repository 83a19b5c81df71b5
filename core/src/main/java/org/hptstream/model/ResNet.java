package org.hptstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A torchvision-equivalent ResNet (v1.5: the stride sits on the 3x3 conv of a Bottleneck) built
 * from DJL blocks: same parameters in the same order as torchvision's {@code state_dict} (convs
 * without bias, BatchNorm after every conv, 1x1-conv + BN downsample), same initialisation (convs
 * kaiming-normal fan_out/ReLU, BN gamma 1 beta 0, {@code fc} PyTorch-default uniform).
 *
 * <p>The network is split in two so each user composes what it needs:
 *
 * <ul>
 *   <li>{@link #backbone()}: NCHW float images to globally average-pooled features of shape {@code
 *       (N, featureDim())}; MoCo puts its MLP head on it, probes a linear layer.
 *   <li>an optional linear classifier {@link #fc()} ({@code featureDim -> numClasses}); {@link
 *       #block()} is backbone followed by fc when present.
 * </ul>
 *
 * <p>{@link #namedParameters()} maps torchvision names ({@code conv1.weight}, {@code
 * bn1.running_mean}, {@code layer1.0.conv1.weight}, ..., {@code fc.bias}) to the DJL parameters, in
 * torchvision order; {@code num_batches_tracked} has no DJL counterpart and is not listed.
 * Parameters exist from construction; their arrays exist after {@link #initialize(NDManager)}.
 * Initialising a larger block that contains an already initialised {@link #backbone()} (e.g.
 * backbone + MoCo head) keeps the backbone's arrays and values (tested), so imported weights
 * survive composition.
 */
public final class ResNet {

  private final ResNetConfig config;
  private final SequentialBlock backbone;
  private final Linear fc;
  private final Integer numClasses;
  private final Block block;
  private final Map<String, Parameter> backboneParams;
  private final Map<String, Parameter> fcParams;

  private ResNet(ResNetConfig config, Integer numClasses) {
    this.config = config;
    this.numClasses = numClasses;
    Assembler a = new Assembler();
    this.backbone = a.backbone(config);
    this.backboneParams = a.namedParameters();
    if (numClasses == null) {
      this.fc = null;
      this.fcParams = Map.of();
      this.block = backbone;
    } else {
      if (numClasses < 1) {
        throw new IllegalArgumentException("numClasses must be positive: " + numClasses);
      }
      this.fc = linear(config.featureDim(), numClasses);
      Map<String, Parameter> p = new LinkedHashMap<>();
      p.put("fc.weight", fc.getParameters().get("weight"));
      p.put("fc.bias", fc.getParameters().get("bias"));
      this.fcParams = Collections.unmodifiableMap(p);
      this.block = new SequentialBlock().add(backbone).add(fc);
    }
  }

  /** A backbone without classifier; {@link #block()} outputs pooled features. */
  public static ResNet backbone(ResNetConfig config) {
    return new ResNet(config, null);
  }

  /** Backbone plus a linear classifier {@code fc} with {@code numClasses} outputs. */
  public static ResNet withClassifier(ResNetConfig config, int numClasses) {
    return new ResNet(config, numClasses);
  }

  /**
   * A linear layer {@code in -> out} initialised like PyTorch's {@code nn.Linear}: weight and bias
   * uniform in {@code +-1/sqrt(in)}. Used for {@code fc}; handy for probe heads too.
   */
  public static Linear linear(int in, int out) {
    Linear l = Linear.builder().setUnits(out).optBias(true).build();
    float bound = (float) (1.0 / Math.sqrt(in));
    Initializer uniform = (m, shape, type) -> m.randomUniform(-bound, bound, shape, type);
    l.setInitializer(uniform, Parameter.Type.WEIGHT);
    l.setInitializer(uniform, Parameter.Type.BIAS);
    return l;
  }

  /** The architecture. */
  public ResNetConfig config() {
    return config;
  }

  /** Dimension of the pooled features the backbone outputs. */
  public int featureDim() {
    return config.featureDim();
  }

  /** Number of classes of {@link #fc()}, empty for a bare backbone. */
  public OptionalInt numClasses() {
    return numClasses == null ? OptionalInt.empty() : OptionalInt.of(numClasses);
  }

  /** The backbone block: {@code (N, C, H, W)} images to {@code (N, featureDim)} features. */
  public Block backbone() {
    return backbone;
  }

  /** The classifier, if this network has one. */
  public Optional<Linear> fc() {
    return Optional.ofNullable(fc);
  }

  /** The whole network: backbone, then fc if present. */
  public Block block() {
    return block;
  }

  /**
   * Creates the parameter arrays in {@code manager} with torchvision's initialisation. Seed first
   * with {@code Engine.getInstance().setRandomSeed(seed)} for reproducible weights.
   */
  public void initialize(NDManager manager) {
    // Parameter shapes do not depend on the image size; 64 px passes every stride of either stem.
    block.initialize(manager, DataType.FLOAT32, new Shape(1, config.inChannels(), 64, 64));
  }

  /** Backbone parameters by torchvision name, in torchvision order (running stats included). */
  public Map<String, Parameter> backboneParameters() {
    return backboneParams;
  }

  /** {@code fc.weight} and {@code fc.bias}, or empty without classifier. */
  public Map<String, Parameter> fcParameters() {
    return fcParams;
  }

  /** All parameters by torchvision name, in torchvision {@code state_dict} order. */
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> all = new LinkedHashMap<>(backboneParams);
    all.putAll(fcParams);
    return Collections.unmodifiableMap(all);
  }

  /**
   * Number of learnable scalars, as {@code sum(p.numel() for p in model.parameters())} counts them
   * in PyTorch: BN running mean/var are buffers, not parameters, and are excluded. Needs {@link
   * #initialize(NDManager)} first.
   */
  public long learnableParameterCount() {
    long n = 0;
    for (Parameter p : namedParameters().values()) {
      if (!isRunningStat(p)) {
        n += p.getArray().size();
      }
    }
    return n;
  }

  /** {@code true} for BN running mean/var (state, not trained by gradients). */
  public static boolean isRunningStat(Parameter p) {
    return p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR;
  }

  /**
   * Forward of the whole {@link #block()}: logits with a classifier, else features. Results belong
   * to {@code images}' manager.
   *
   * @param training BN mode: batch statistics (and running-stat updates) when {@code true}
   */
  public NDArray forward(NDArray images, boolean training) {
    return run(block, images, training);
  }

  /** Forward of the {@link #backbone()} only: {@code (N, featureDim)} pooled features. */
  public NDArray features(NDArray images, boolean training) {
    return run(backbone, images, training);
  }

  private static NDArray run(Block b, NDArray images, boolean training) {
    return b.forward(new ParameterStore(images.getManager(), false), new NDList(images), training)
        .singletonOrThrow();
  }

  /** Builds the DJL blocks and records torchvision names for their parameters, in order. */
  private static final class Assembler {
    private final List<Map.Entry<String, Block>> leaves = new ArrayList<>();

    SequentialBlock backbone(ResNetConfig c) {
      SequentialBlock net = new SequentialBlock();
      if (c.smallImage()) {
        net.add(conv("conv1", c.width(), 3, 1));
      } else {
        net.add(conv("conv1", c.width(), 7, 2));
      }
      net.add(bn("bn1")).add(Activation.reluBlock());
      if (!c.smallImage()) {
        net.add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
      }
      int inplanes = c.width();
      int[] blocks = c.blocksPerStage();
      for (int stage = 0; stage < 4; stage++) {
        int planes = c.width() << stage;
        int stride = stage == 0 ? 1 : 2;
        for (int i = 0; i < blocks[stage]; i++) {
          String prefix = "layer" + (stage + 1) + "." + i + ".";
          int s = i == 0 ? stride : 1;
          net.add(unit(c, prefix, inplanes, planes, s));
          inplanes = planes * c.expansion();
        }
      }
      net.add(Pool.globalAvgPool2dBlock());
      return net;
    }

    private Block unit(ResNetConfig c, String prefix, int inplanes, int planes, int stride) {
      SequentialBlock main = new SequentialBlock();
      if (c.bottleneck()) {
        main.add(conv(prefix + "conv1", planes, 1, 1))
            .add(bn(prefix + "bn1"))
            .add(Activation.reluBlock())
            .add(conv(prefix + "conv2", planes, 3, stride))
            .add(bn(prefix + "bn2"))
            .add(Activation.reluBlock())
            .add(conv(prefix + "conv3", planes * 4, 1, 1))
            .add(bn(prefix + "bn3"));
      } else {
        main.add(conv(prefix + "conv1", planes, 3, stride))
            .add(bn(prefix + "bn1"))
            .add(Activation.reluBlock())
            .add(conv(prefix + "conv2", planes, 3, 1))
            .add(bn(prefix + "bn2"));
      }
      Block shortcut;
      if (stride != 1 || inplanes != planes * c.expansion()) {
        shortcut =
            new SequentialBlock()
                .add(conv(prefix + "downsample.0", planes * c.expansion(), 1, stride))
                .add(bn(prefix + "downsample.1"));
      } else {
        shortcut = Blocks.identityBlock();
      }
      return new ParallelBlock(
          list -> new NDList(Activation.relu(list.get(0).head().add(list.get(1).head()))),
          List.of(main, shortcut));
    }

    private Conv2d conv(String name, int filters, int kernel, int stride) {
      Conv2d conv =
          Conv2d.builder()
              .setKernelShape(new Shape(kernel, kernel))
              .setFilters(filters)
              .optStride(new Shape(stride, stride))
              .optPadding(new Shape(kernel / 2, kernel / 2))
              .optBias(false)
              .build();
      // torchvision: kaiming_normal_(mode="fan_out", nonlinearity="relu"), std = sqrt(2 / fan_out)
      conv.setInitializer(
          (m, shape, type) -> {
            double fanOut = shape.get(0) * shape.get(2) * shape.get(3);
            return m.randomNormal(0f, (float) Math.sqrt(2.0 / fanOut), shape, type);
          },
          Parameter.Type.WEIGHT);
      leaves.add(Map.entry(name, conv));
      return conv;
    }

    private BatchNorm bn(String name) {
      // DJL defaults equal PyTorch's: eps 1e-5, momentum 0.9 (== PyTorch 0.1), gamma 1, beta 0.
      BatchNorm bn = BatchNorm.builder().build();
      leaves.add(Map.entry(name, bn));
      return bn;
    }

    Map<String, Parameter> namedParameters() {
      Map<String, Parameter> out = new LinkedHashMap<>();
      for (Map.Entry<String, Block> leaf : leaves) {
        for (var p : leaf.getValue().getDirectParameters()) {
          out.put(leaf.getKey() + "." + torchSuffix(p.getKey()), p.getValue());
        }
      }
      return Collections.unmodifiableMap(out);
    }

    private static String torchSuffix(String djlName) {
      return switch (djlName) {
        case "weight" -> "weight";
        case "gamma" -> "weight";
        case "beta" -> "bias";
        case "runningMean" -> "running_mean";
        case "runningVar" -> "running_var";
        default -> throw new IllegalStateException("unexpected DJL parameter " + djlName);
      };
    }
  }
}
