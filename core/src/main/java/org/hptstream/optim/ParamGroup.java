package org.hptstream.optim;

import ai.djl.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A named set of parameters sharing a learning-rate multiplier and weight decay, like a PyTorch
 * optimizer param group (e.g. a probe head at 100x the backbone's lr).
 *
 * @param name group name, unique within an optimizer
 * @param parameters parameters by stable name (the names key the exported optimizer state, so they
 *     must be the same when state is imported: use torchvision names for a ResNet)
 * @param lrMultiplier the group's lr is {@code multiplier * scheduled lr}
 * @param weightDecay L2 coefficient added to the gradient ({@code d = g + wd * w})
 */
public record ParamGroup(
    String name, Map<String, Parameter> parameters, double lrMultiplier, double weightDecay) {

  /** Copies the map (keeping its order) and validates the numbers. */
  public ParamGroup {
    if (lrMultiplier < 0 || Double.isNaN(lrMultiplier)) {
      throw new IllegalArgumentException("lrMultiplier must be >= 0: " + lrMultiplier);
    }
    if (weightDecay < 0 || Double.isNaN(weightDecay)) {
      throw new IllegalArgumentException("weightDecay must be >= 0: " + weightDecay);
    }
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }
}
