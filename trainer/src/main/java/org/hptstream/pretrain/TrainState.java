package org.hptstream.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hptstream.checkpoint.CheckpointDraft;
import org.hptstream.moco.MocoModel;
import org.hptstream.model.ParameterCopy;
import org.hptstream.optim.Sgd;
import org.hptstream.tensor.TensorCopy;

/**
 * The full state of a MoCo job as named tensor groups, in the checkpoint store's layout: the query
 * backbone as {@code backbone} (torchvision names, what HPT children and the evaluator load), the
 * query head, the whole key encoder, the queue and the optimizer's momentum buffers. With the step,
 * seed and queue pointer (manifest scalars) it determines every later step exactly.
 */
public final class TrainState {
  public static final String BACKBONE = CheckpointDraft.BACKBONE;
  public static final String HEAD = "head";
  public static final String KEY_BACKBONE = "key_backbone";
  public static final String KEY_HEAD = "key_head";
  public static final String QUEUE = "queue";
  public static final String OPTIMIZER = "optimizer";

  /** Name of the queue tensor inside {@link #QUEUE}. */
  public static final String QUEUE_KEYS = "keys";

  private TrainState() {}

  /** Copies of every state tensor, named, owned by {@code manager}; {@code sgd} may be null. */
  public static Map<String, NDList> capture(NDManager manager, MocoModel model, Sgd sgd) {
    Map<String, NDList> g = new LinkedHashMap<>();
    g.put(BACKBONE, copies(manager, model.query().backboneParameters()));
    g.put(HEAD, copies(manager, model.query().headParameters()));
    g.put(KEY_BACKBONE, copies(manager, model.key().backboneParameters()));
    g.put(KEY_HEAD, copies(manager, model.key().headParameters()));
    NDArray q = TensorCopy.of(model.queue().keys(), manager);
    q.setName(QUEUE_KEYS);
    g.put(QUEUE, new NDList(q));
    if (sgd != null) g.put(OPTIMIZER, sgd.state(manager));
    return g;
  }

  /**
   * Restores a captured state into a model of the same architecture and optimizer layout; each
   * group is copied all-or-nothing by name.
   *
   * @throws IllegalArgumentException naming what is missing
   */
  public static void restore(
      Map<String, NDList> groups, MocoModel model, Sgd sgd, int queuePointer) {
    requireGroups(
        groups,
        sgd == null
            ? List.of(BACKBONE, HEAD, KEY_BACKBONE, KEY_HEAD, QUEUE)
            : List.of(BACKBONE, HEAD, KEY_BACKBONE, KEY_HEAD, QUEUE, OPTIMIZER));
    ParameterCopy.copyExactly(model.query().backboneParameters(), groups.get(BACKBONE), BACKBONE);
    carryOver(groups, model, queuePointer);
    if (sgd != null) sgd.loadState(groups.get(OPTIMIZER));
  }

  /**
   * Copies a parent's query head, key encoder and queue into a model (a continued job; its query
   * backbone is loaded with the parent's backbone). The optimizer state is not carried: each job
   * runs its own schedule.
   *
   * @throws IllegalArgumentException naming what is missing
   */
  public static void carryOver(Map<String, NDList> groups, MocoModel model, int queuePointer) {
    requireGroups(groups, List.of(HEAD, KEY_BACKBONE, KEY_HEAD, QUEUE));
    ParameterCopy.copyExactly(model.query().headParameters(), groups.get(HEAD), HEAD);
    ParameterCopy.copyExactly(
        model.key().backboneParameters(), groups.get(KEY_BACKBONE), KEY_BACKBONE);
    ParameterCopy.copyExactly(model.key().headParameters(), groups.get(KEY_HEAD), KEY_HEAD);
    model.queue().restore(groups.get(QUEUE).get(QUEUE_KEYS), queuePointer);
  }

  private static void requireGroups(Map<String, NDList> groups, List<String> required) {
    List<String> missing = new ArrayList<>();
    for (String g : required) {
      if (!groups.containsKey(g)) missing.add(g);
    }
    if (!missing.isEmpty()) throw new IllegalArgumentException("state lacks groups " + missing);
  }

  private static NDList copies(NDManager manager, Map<String, Parameter> params) {
    NDList out = new NDList(params.size());
    params.forEach(
        (name, p) -> {
          NDArray c = TensorCopy.of(p.getArray(), manager);
          c.setName(name);
          out.add(c);
        });
    return out;
  }
}
