package org.hptstream.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.hptstream.tensor.TensorCopy;

/**
 * SGD with momentum and weight decay, with exactly PyTorch's {@code torch.optim.SGD} semantics
 * (dampening 0, no Nesterov): for every trained parameter {@code w} with gradient {@code g},
 *
 * <pre>
 *   d = g + wd * w
 *   v = momentum * v + d          (v starts at 0, so the first step gives v = d as in PyTorch)
 *   w = w - lr * lrMultiplier * v
 * </pre>
 *
 * <p>Written by hand on NDArray ops because DJL's own {@code Optimizer} keeps its momentum buffers
 * private: they cannot be exported or restored, so a resumed job would not continue exactly. Here
 * {@link #state(NDManager)} / {@link #loadState(NDList)} exchange the momentum buffers and the step
 * count as named arrays. Updates are in place (no allocation per step besides short-lived
 * temporaries, which are closed).
 *
 * <p>Gradients: DJL's PyTorch engine does <em>not</em> zero gradients when a new {@code
 * GradientCollector} opens; they accumulate as in PyTorch. Call {@link #zeroGradients()} before
 * each backward pass (or after {@link #step(double)}) unless accumulation is wanted.
 *
 * <p>Not thread-safe. Parameters must be initialised before the first {@link #step(double)}.
 */
public final class Sgd {

  /** Name of the step counter in {@link #state(NDManager)}. */
  public static final String STEP_KEY = "step";

  /**
   * Suffix of momentum buffers in {@link #state(NDManager)}: {@code <parameter
   * name>.momentum_buffer}.
   */
  public static final String MOMENTUM_SUFFIX = ".momentum_buffer";

  private final double momentum;
  private final List<ParamGroup> groups;
  private final Map<String, NDArray> buffers = new LinkedHashMap<>();
  private long steps;

  private Sgd(double momentum, List<ParamGroup> groups) {
    this.momentum = momentum;
    this.groups = List.copyOf(groups);
  }

  /**
   * Starts a builder; defaults: momentum 0.9, no groups, trains parameters that require gradients.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The parameter groups, after filtering. */
  public List<ParamGroup> groups() {
    return groups;
  }

  /** Number of {@link #step(double)} calls so far (restored by {@link #loadState(NDList)}). */
  public long steps() {
    return steps;
  }

  /**
   * Applies one update with learning rate {@code lr} (times each group's multiplier) from the
   * gradients currently attached to the parameters.
   */
  public void step(double lr) {
    for (ParamGroup g : groups) {
      float groupLr = (float) (lr * g.lrMultiplier());
      float wd = (float) g.weightDecay();
      for (Map.Entry<String, Parameter> e : g.parameters().entrySet()) {
        NDArray w = e.getValue().getArray();
        try (NDArray grad = w.getGradient()) {
          NDArray v = buffers.computeIfAbsent(e.getKey(), k -> w.zerosLike());
          if (wd != 0f) {
            try (NDArray d = w.mul(wd)) {
              v.muli(momentum).addi(d.addi(grad));
            }
          } else {
            v.muli(momentum).addi(grad);
          }
          try (NDArray delta = v.mul(groupLr)) {
            w.subi(delta);
          }
        }
      }
    }
    steps++;
  }

  /**
   * Sets the gradients of all trained parameters to zero, in place. NaN-safe (a fill, not {@code g
   * * 0}), so a step skipped for a non-finite loss leaves no poison behind.
   */
  public void zeroGradients() {
    NDIndex all = new NDIndex("...");
    // set(index, Number) creates a scalar array it never closes: the scope closes it.
    try (NDScope scope = new NDScope()) {
      for (ParamGroup g : groups) {
        for (Parameter p : g.parameters().values()) {
          NDArray w = p.getArray();
          if (w instanceof PtNDArray pt) {
            // libtorch's grad.zero_(): 2-4x faster than the generic indexed fill below
            JniUtils.zeroGrad(pt);
          } else {
            w.getGradient().set(all, 0f);
          }
        }
      }
    }
  }

  /**
   * The optimizer state as named arrays: one {@code <name>.momentum_buffer} per parameter that has
   * been stepped and a scalar int64 {@code step}. The arrays are copies in {@code manager}; the
   * caller owns them.
   */
  public NDList state(NDManager manager) {
    NDList out = new NDList();
    for (Map.Entry<String, NDArray> e : buffers.entrySet()) {
      NDArray copy = TensorCopy.of(e.getValue(), manager);
      copy.setName(e.getKey() + MOMENTUM_SUFFIX);
      out.add(copy);
    }
    NDArray step = manager.create(steps);
    step.setName(STEP_KEY);
    out.add(step);
    return out;
  }

  /**
   * Restores state written by {@link #state(NDManager)}; the arrays are copied, {@code state} stays
   * the caller's. Every buffer must name a trained parameter of this optimizer with the same shape.
   *
   * @throws IllegalArgumentException listing unknown names, shape mismatches, or a missing step
   */
  public void loadState(NDList state) {
    Map<String, Parameter> byName = new LinkedHashMap<>();
    groups.forEach(g -> byName.putAll(g.parameters()));
    List<String> problems = new ArrayList<>();
    NDArray step = null;
    Map<String, NDArray> restored = new LinkedHashMap<>();
    for (NDArray a : state) {
      String name = a.getName();
      if (STEP_KEY.equals(name)) {
        step = a;
      } else if (name != null && name.endsWith(MOMENTUM_SUFFIX)) {
        String param = name.substring(0, name.length() - MOMENTUM_SUFFIX.length());
        Parameter p = byName.get(param);
        if (p == null) {
          problems.add("unknown parameter " + param);
        } else if (!p.getArray().getShape().equals(a.getShape())) {
          problems.add(param + ": shape " + a.getShape() + " != " + p.getArray().getShape());
        } else {
          restored.put(param, a);
        }
      } else {
        problems.add("unexpected entry " + name);
      }
    }
    if (step == null) {
      problems.add("missing '" + STEP_KEY + "'");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "optimizer state does not fit: " + String.join("; ", problems));
    }
    buffers.values().forEach(NDArray::close);
    buffers.clear();
    for (Map.Entry<String, NDArray> e : restored.entrySet()) {
      NDArray w = byName.get(e.getKey()).getArray();
      // A real copy: the given arrays are often a checkpoint's, freed right after this call.
      buffers.put(
          e.getKey(), TensorCopy.of(e.getValue(), w.getManager(), w.getDataType(), w.getDevice()));
    }
    steps = step.toArray()[0].longValue();
  }

  /** Builder of {@link Sgd}. */
  public static final class Builder {
    private double momentum = 0.9;
    private Predicate<Parameter> filter = Parameter::requiresGradient;
    private final List<ParamGroup> groups = new ArrayList<>();

    private Builder() {}

    /** Momentum coefficient (paper: 0.9). */
    public Builder momentum(double m) {
      if (m < 0 || m >= 1) {
        throw new IllegalArgumentException("momentum must be in [0, 1): " + m);
      }
      this.momentum = m;
      return this;
    }

    /**
     * Which parameters train; default: those requiring gradients, which leaves out frozen ones and
     * BN running statistics. Applied to every group.
     */
    public Builder filter(Predicate<Parameter> f) {
      this.filter = f;
      return this;
    }

    /** Adds a group; see {@link ParamGroup}. */
    public Builder group(
        String name, Map<String, Parameter> parameters, double lrMultiplier, double weightDecay) {
      groups.add(new ParamGroup(name, parameters, lrMultiplier, weightDecay));
      return this;
    }

    /**
     * Builds the optimizer.
     *
     * @throws IllegalArgumentException if a group name or parameter name repeats, or nothing trains
     */
    public Sgd build() {
      Set<String> groupNames = new HashSet<>();
      Set<String> paramNames = new HashSet<>();
      List<ParamGroup> kept = new ArrayList<>();
      for (ParamGroup g : groups) {
        if (!groupNames.add(g.name())) {
          throw new IllegalArgumentException("duplicate group " + g.name());
        }
        Map<String, Parameter> trained = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : g.parameters().entrySet()) {
          if (!paramNames.add(e.getKey())) {
            throw new IllegalArgumentException("parameter " + e.getKey() + " is in two groups");
          }
          if (filter.test(e.getValue())) {
            trained.put(e.getKey(), e.getValue());
          }
        }
        kept.add(new ParamGroup(g.name(), trained, g.lrMultiplier(), g.weightDecay()));
      }
      if (kept.stream().allMatch(g -> g.parameters().isEmpty())) {
        throw new IllegalArgumentException("no parameter to train");
      }
      return new Sgd(momentum, kept);
    }
  }
}
