package org.hptstream.pretrain;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.strategy.Strategy;

/**
 * How a job starts from its parent checkpoint.
 *
 * <p>A job that continues its own domain's lineage with the same strategy (the parent was trained
 * on the same domain by the same strategy, e.g. the domain's latest promoted checkpoint) is
 * continual training: it carries over the parent's full model state, query backbone and head, key
 * encoder and queue, so MoCo's dictionary and momentum encoder need not warm up again. A job whose
 * parent is the base, another domain's checkpoint or another strategy's takes the parent's backbone
 * only (the paper's HPT: fresh head, key encoder a copy of the query, random queue). Either way the
 * job runs its own cosine schedule with fresh optimizer buffers.
 */
public enum ParentInit {
  /** No parent: random init ({@code target}). */
  RANDOM,
  /** The parent's backbone only (the paper's HPT). */
  BACKBONE,
  /** The parent's backbone, head, key encoder and queue (continual training). */
  CONTINUED;

  /** The groups a parent must hold to be continued. */
  static final List<String> CARRIED_GROUPS =
      List.of(TrainState.HEAD, TrainState.KEY_BACKBONE, TrainState.KEY_HEAD, TrainState.QUEUE);

  /**
   * The decision and why, for logs.
   *
   * @param mode how the job starts
   * @param reason one line saying why
   */
  public record Decision(ParentInit mode, String reason) {}

  /**
   * Decides from the parent's manifest alone (no tensors read).
   *
   * @param parent the parent's manifest, or null for none
   * @param domain the job's domain
   * @param strategy the job's strategy
   * @param config the job's configuration (its queue size must equal the parent's to continue)
   */
  public static Decision decide(
      CheckpointManifest parent, String domain, Strategy strategy, PretrainConfig config) {
    if (parent == null) {
      return new Decision(RANDOM, "no parent");
    }
    String d = domain.toLowerCase(Locale.ROOT);
    if (!parent.domain().equals(d)) {
      return new Decision(
          BACKBONE, "parent " + parent.id() + " is of domain " + parent.domain() + ", not " + d);
    }
    if (!parent.strategy().equals(strategy.cliName())) {
      return new Decision(
          BACKBONE,
          "parent "
              + parent.id()
              + " was trained by "
              + parent.strategy()
              + ", this job by "
              + strategy.cliName());
    }
    Set<String> groups = new java.util.HashSet<>();
    parent.files().forEach(f -> groups.add(f.group()));
    Long queueSize = parent.scalars().get(JobCheckpoints.QUEUE_SIZE);
    if (!groups.containsAll(CARRIED_GROUPS)
        || !parent.scalars().containsKey(JobCheckpoints.QUEUE_PTR)
        || queueSize == null) {
      return new Decision(
          BACKBONE, "parent " + parent.id() + " holds no training state to continue (an import?)");
    }
    if (queueSize != config.moco().queueSize()) {
      return new Decision(
          BACKBONE,
          "parent "
              + parent.id()
              + " has a queue of "
              + queueSize
              + " keys, this job "
              + config.moco().queueSize());
    }
    return new Decision(
        CONTINUED,
        "continues domain " + d + "'s " + strategy.cliName() + " lineage from " + parent.id());
  }
}
