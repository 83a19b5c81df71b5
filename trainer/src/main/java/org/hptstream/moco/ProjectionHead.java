package org.hptstream.moco;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * MoCo v2's projection head {@code Linear(d, d) -> ReLU -> Linear(d, out)} after global pooling,
 * named like the official code's {@code fc.0.*} / {@code fc.2.*}.
 */
public final class ProjectionHead {
  private ProjectionHead() {}

  /**
   * The head block for backbone feature dimension {@code hidden} (its input shape is [B, hidden]).
   */
  public static SequentialBlock create(int hidden, int out) {
    SequentialBlock head = new SequentialBlock();
    head.add(Linear.builder().setUnits(hidden).build());
    head.add(Activation.reluBlock());
    head.add(Linear.builder().setUnits(out).build());
    return head;
  }

  /** Parameters by torchvision-style name: {@code 0.weight, 0.bias, 2.weight, 2.bias}. */
  public static Map<String, Parameter> named(Block head) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    int layer = 0;
    for (var child : head.getChildren().values()) {
      for (var p : child.getDirectParameters().values()) {
        out.put(layer + "." + (p.getType() == Parameter.Type.WEIGHT ? "weight" : "bias"), p);
      }
      layer++;
    }
    return out;
  }

  /**
   * Re-draws all head parameters as PyTorch's {@code nn.Linear} does (uniform in +-1/sqrt(fan_in)),
   * from {@code rng} so a fresh head is the same on every device for a given seed.
   */
  public static void reset(Block head, Random rng) {
    for (var child : head.getChildren().values()) {
      var params = child.getDirectParameters().values();
      if (params.isEmpty()) continue;
      long fanIn = params.get(0).getArray().getShape().get(1);
      double bound = 1 / Math.sqrt(fanIn);
      for (Parameter p : params) {
        NDArray a = p.getArray();
        float[] v = new float[Math.toIntExact(a.size())];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        a.set(v);
      }
    }
  }
}
