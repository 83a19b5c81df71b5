package org.hptstream.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hptstream.moco.MocoModel;
import org.hptstream.optim.Sgd;

/**
 * The full state of a MoCo job as named tensor groups: both encoders (backbone by torchvision name,
 * head), the queue, the optimizer's momentum buffers. Together with the step, seed and job settings
 * (kept as scalars in the checkpoint manifest) it determines every later step exactly.
 */
public final class TrainState {
  public static final String QUERY_BACKBONE = "query.backbone";
  public static final String QUERY_HEAD = "query.head";
  public static final String KEY_BACKBONE = "key.backbone";
  public static final String KEY_HEAD = "key.head";
  public static final String QUEUE = "queue";
  public static final String OPTIMIZER = "optimizer";
  /** Name of the queue tensor inside {@link #QUEUE}. */
  public static final String QUEUE_KEYS = "keys";

  private TrainState() {}

  /** Copies of every state tensor, owned by {@code manager}; {@code sgd} may be null (no optimizer). */
  public static Map<String, Map<String, NDArray>> capture(NDManager manager, MocoModel model, Sgd sgd) {
    Map<String, Map<String, NDArray>> g = new LinkedHashMap<>();
    g.put(QUERY_BACKBONE, copies(manager, model.query().backboneParameters()));
    g.put(QUERY_HEAD, copies(manager, model.query().headParameters()));
    g.put(KEY_BACKBONE, copies(manager, model.key().backboneParameters()));
    g.put(KEY_HEAD, copies(manager, model.key().headParameters()));
    NDArray q = model.queue().keys().duplicate();
    q.attach(manager);
    g.put(QUEUE, Map.of(QUEUE_KEYS, q));
    if (sgd != null) {
      Map<String, NDArray> opt = new LinkedHashMap<>();
      for (NDArray a : sgd.state(manager)) opt.put(a.getName(), a);
      g.put(OPTIMIZER, opt);
    }
    return g;
  }

  /**
   * Restores a captured state into a model built with the same architecture and optimizer layout.
   *
   * @throws IllegalArgumentException naming every missing, unexpected or mis-shaped tensor
   */
  public static void restore(Map<String, Map<String, NDArray>> groups, MocoModel model, Sgd sgd, int queuePointer) {
    List<String> problems = new ArrayList<>();
    copyInto(groups, QUERY_BACKBONE, model.query().backboneParameters(), problems);
    copyInto(groups, QUERY_HEAD, model.query().headParameters(), problems);
    copyInto(groups, KEY_BACKBONE, model.key().backboneParameters(), problems);
    copyInto(groups, KEY_HEAD, model.key().headParameters(), problems);
    Map<String, NDArray> queue = groups.get(QUEUE);
    if (queue == null || queue.get(QUEUE_KEYS) == null) problems.add("missing queue");
    if (sgd != null && groups.get(OPTIMIZER) == null) problems.add("missing optimizer state");
    if (!problems.isEmpty()) throw new IllegalArgumentException("checkpoint does not fit this job: " + String.join("; ", problems));
    model.queue().restore(queue.get(QUEUE_KEYS), queuePointer);
    if (sgd != null) {
      NDList opt = new NDList();
      groups.get(OPTIMIZER).forEach((name, a) -> {
        a.setName(name);
        opt.add(a);
      });
      sgd.loadState(opt);
    }
  }

  /**
   * Loads {@code tensors} into {@code params} by name; every parameter must be present with its shape,
   * nothing may be left over. Problems are appended to {@code problems}.
   */
  public static void copyInto(Map<String, Map<String, NDArray>> groups, String group, Map<String, Parameter> params,
      List<String> problems) {
    Map<String, NDArray> tensors = groups.get(group);
    if (tensors == null) {
      problems.add("missing group " + group);
      return;
    }
    loadNamed(group, tensors, params, problems);
  }

  /** Like {@link #copyInto} for one map of tensors. */
  public static void loadNamed(String what, Map<String, NDArray> tensors, Map<String, Parameter> params, List<String> problems) {
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray src = tensors.get(e.getKey());
      NDArray dst = e.getValue().getArray();
      if (src == null) {
        problems.add(what + ": missing " + e.getKey());
      } else if (!src.getShape().equals(dst.getShape())) {
        problems.add(what + ": " + e.getKey() + " has shape " + src.getShape() + ", model needs " + dst.getShape());
      } else {
        try (NDArray moved = src.toDevice(dst.getDevice(), true)) {
          moved.toType(dst.getDataType(), false).copyTo(dst);
        }
      }
    }
    for (String name : tensors.keySet()) {
      if (!params.containsKey(name)) problems.add(what + ": unexpected " + name);
    }
  }

  private static Map<String, NDArray> copies(NDManager manager, Map<String, Parameter> params) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    params.forEach((name, p) -> {
      NDArray c = p.getArray().duplicate();
      c.attach(manager);
      out.put(name, c);
    });
    return out;
  }
}
