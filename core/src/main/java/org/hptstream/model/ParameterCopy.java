package org.hptstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hptstream.tensor.TensorCopy;

/**
 * All-or-nothing copy of named arrays into named parameters, for any part of a network (MoCo head,
 * key encoder, probe layer). Names must match exactly in both directions and shapes must be equal;
 * otherwise nothing is copied and a {@link WeightLoadException} lists every problem.
 */
public final class ParameterCopy {

  private ParameterCopy() {}

  /**
   * Copies {@code source} into {@code targets} by name, in place (gradients and optimizer
   * references stay valid); converts dtype/device when they differ.
   *
   * @param what description for error messages (e.g. {@code "checkpoint x, group head"})
   * @return number of tensors copied ({@code == targets.size()})
   * @throws WeightLoadException on missing, unexpected, duplicate or mis-shaped tensors (nothing
   *     copied)
   */
  public static int copyExactly(Map<String, Parameter> targets, NDList source, String what) {
    Map<String, NDArray> byName = new LinkedHashMap<>();
    List<String> duplicates = new ArrayList<>();
    for (NDArray a : source) {
      if (byName.put(a.getName(), a) != null) {
        duplicates.add("duplicate key " + a.getName());
      }
    }
    if (!duplicates.isEmpty()) {
      throw new WeightLoadException(what, duplicates);
    }
    return copyExactly(targets, byName, what);
  }

  /**
   * Copies one set of parameters onto another with the same names and shapes, e.g. the MoCo key
   * encoder from the query encoder: {@code copyParameters(key.namedParameters(),
   * query.namedParameters(), "query -> key")}.
   *
   * @return number of tensors copied
   * @throws WeightLoadException if names or shapes differ (nothing copied)
   */
  public static int copyParameters(
      Map<String, Parameter> targets, Map<String, Parameter> sources, String what) {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    sources.forEach((k, v) -> arrays.put(k, v.getArray()));
    return copyExactly(targets, arrays, what);
  }

  private static int copyExactly(
      Map<String, Parameter> targets, Map<String, NDArray> source, String what) {
    List<String> problems = new ArrayList<>();
    Set<String> missing = new LinkedHashSet<>(targets.keySet());
    Map<Parameter, NDArray> copies = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : source.entrySet()) {
      Parameter p = targets.get(e.getKey());
      NDArray a = e.getValue();
      if (p == null) {
        problems.add("unexpected key " + e.getKey());
        continue;
      }
      missing.remove(e.getKey());
      if (!a.getShape().equals(p.getArray().getShape())) {
        problems.add(
            "shape mismatch "
                + e.getKey()
                + ": source "
                + a.getShape()
                + ", model "
                + p.getArray().getShape());
      } else {
        copies.put(p, a);
      }
    }
    missing.forEach(n -> problems.add("missing tensor " + n));
    if (!problems.isEmpty()) {
      throw new WeightLoadException(what, problems);
    }
    copyValidated(copies);
    return copies.size();
  }

  /** Copies already validated (same shape) arrays into parameters, in place. */
  static void copyValidated(Map<Parameter, NDArray> copies) {
    for (Map.Entry<Parameter, NDArray> c : copies.entrySet()) {
      TensorCopy.into(c.getValue(), c.getKey().getArray());
    }
  }
}
