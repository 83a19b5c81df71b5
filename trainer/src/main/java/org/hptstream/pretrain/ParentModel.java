package org.hptstream.pretrain;

import ai.djl.ndarray.NDList;
import java.util.Map;
import org.hptstream.model.ResNetConfig;

/**
 * The backbone an HPT-family job starts from: architecture and named tensors (torchvision names,
 * running stats included), e.g. read from a parent checkpoint; for a continued job also the rest of
 * the parent's model state.
 *
 * @param id the parent checkpoint's id (recorded as the child's parent)
 * @param loadReport what the load verified, for logs
 * @param carried the parent's head, key encoder and queue for a {@link ParentInit#CONTINUED} job,
 *     or null to take the backbone only
 */
public record ParentModel(
    ResNetConfig arch, NDList backbone, String id, String loadReport, Carried carried) {

  /** A parent whose backbone only is taken (the paper's HPT). */
  public ParentModel(ResNetConfig arch, NDList backbone, String id, String loadReport) {
    this(arch, backbone, id, loadReport, null);
  }

  /** How a job starts from this parent. */
  public ParentInit init() {
    return carried == null ? ParentInit.BACKBONE : ParentInit.CONTINUED;
  }

  /**
   * A parent's model state beyond the backbone, as {@link TrainState} groups.
   *
   * @param groups {@link TrainState#HEAD}, {@link TrainState#KEY_BACKBONE}, {@link
   *     TrainState#KEY_HEAD} and {@link TrainState#QUEUE}
   * @param queuePointer the queue's next write position
   */
  public record Carried(Map<String, NDList> groups, int queuePointer) {
    /** Copies the map. */
    public Carried {
      groups = Map.copyOf(groups);
    }
  }
}
