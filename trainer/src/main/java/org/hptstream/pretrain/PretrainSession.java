package org.hptstream.pretrain;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.Random;
import org.hptstream.augment.AugmentRandom;
import org.hptstream.augment.TwoViewAugmenter;
import org.hptstream.data.ChannelStats;
import org.hptstream.data.ImageSet;
import org.hptstream.moco.MocoModel;
import org.hptstream.moco.MocoTrainer;
import org.hptstream.model.ParameterCopy;
import org.hptstream.model.RandomInit;
import org.hptstream.model.ResNetConfig;
import org.hptstream.optim.LrSchedule;
import org.hptstream.optim.Sgd;
import org.hptstream.strategy.Strategy;

/**
 * A pretraining job's live state for one strategy: model, optimizer, sampler and step counter, with
 * single steps and state capture/restore. {@link PretrainJob} drives it with listeners and
 * checkpoints; tests drive it directly.
 *
 * <p>Setup per strategy: TARGET builds a fresh model; HPT, HPT_BN and BASE_BN_RECAL load the parent
 * backbone into the query encoder (every tensor verified), keep the freshly drawn head and queue
 * and copy query to key; a parent that is continued ({@link ParentInit#CONTINUED}) also gives its
 * head, key encoder and queue. The optimizer and the cosine schedule always start fresh. HPT_BN
 * freezes every backbone parameter but BN gamma/beta; BASE_BN_RECAL has no optimizer. Every random
 * draw derives from the seed: backbone init (engine seed), head and queue (stream INIT), sampling
 * (stream SAMPLING, per epoch), augmentation (stream AUGMENT, per step).
 */
public final class PretrainSession implements AutoCloseable {
  private final Strategy strategy;
  private final PretrainConfig config;
  private final ChannelStats stats;
  private final ImageSet data;
  private final NDManager manager;
  private final MocoModel model;
  private final Sgd sgd;
  private final MocoTrainer trainer;
  private final BatchSampler sampler;
  private final LrSchedule schedule;
  private final ParentInit init;
  private long step;

  /**
   * @param parent required unless the strategy is TARGET; its architecture overrides the config's
   * @param device where to train; null for the engine's default (a GPU when present)
   */
  public PretrainSession(
      Strategy strategy, PretrainConfig config, ImageSet data, ParentModel parent, Device device) {
    if (strategy == Strategy.BASE)
      throw new IllegalArgumentException("BASE trains nothing: the parent is the result");
    if (strategy.needsParent() && parent == null)
      throw new IllegalArgumentException(strategy.cliName() + " needs a parent checkpoint");
    if (!strategy.needsParent() && parent != null)
      throw new IllegalArgumentException(
          strategy.cliName() + " starts from a random init; give no parent");
    if (data.size() < config.batchSize())
      throw new IllegalArgumentException(
          "data has " + data.size() + " images, fewer than one batch of " + config.batchSize());
    ResNetConfig arch = parent == null ? config.arch() : parent.arch();
    if (arch.inChannels() != 3)
      throw new IllegalArgumentException(
          "views are RGB; the backbone needs 3 input channels, has " + arch.inChannels());
    this.strategy = strategy;
    this.config = config.withArch(arch);
    this.data = data;
    this.stats = data.channelStats();
    this.manager = device == null ? NDManager.newBaseManager() : NDManager.newBaseManager(device);
    try {
      RandomInit.seedEngine(config.seed());
      Random init = AugmentRandom.forStep(config.seed(), 0, AugmentRandom.STREAM_INIT);
      this.model = new MocoModel(manager, arch, config.moco(), init);
      if (parent != null) {
        // all-or-nothing, every tensor by name and shape: a silently unloaded parent would look
        // like HPT
        ParameterCopy.copyExactly(
            model.query().backboneParameters(), parent.backbone(), "parent " + parent.id());
        if (parent.carried() != null) {
          TrainState.carryOver(parent.carried().groups(), model, parent.carried().queuePointer());
        } else {
          model.copyQueryToKey();
        }
      }
      this.init = parent == null ? ParentInit.RANDOM : parent.init();
      this.sgd =
          switch (strategy) {
            case TARGET, HPT -> optimizer();
            case HPT_BN -> {
              model.query().trainOnlyBatchNormAndHead();
              yield optimizer();
            }
            default -> null;
          };
      this.trainer =
          new MocoTrainer(model, new TwoViewAugmenter(config.augment(), stats), sgd, config.seed());
      this.sampler = new BatchSampler(data.size(), config.batchSize(), config.seed());
      this.schedule = LrSchedule.cosine(this.config.scaledLr(), config.steps());
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private Sgd optimizer() {
    return Sgd.builder()
        .momentum(config.sgdMomentum())
        .group("backbone", model.query().backboneParameters(), 1.0, config.weightDecay())
        .group("head", prefixed(model.query().headParameters()), 1.0, config.weightDecay())
        .build();
  }

  private static <V> Map<String, V> prefixed(Map<String, V> m) {
    Map<String, V> out = new java.util.LinkedHashMap<>();
    m.forEach((k, v) -> out.put("head." + k, v));
    return out;
  }

  /**
   * Runs step {@link #step()} and advances; throws {@code NonFiniteLossException} on a bad loss.
   */
  public MocoTrainer.StepResult runStep() {
    try (NDManager sm = manager.newSubManager()) {
      NDArray images = data.toNDArray(sm, sampler.batch(step));
      MocoTrainer.StepResult r =
          sgd == null ? trainer.recalibrate(images, step) : trainer.train(images, step, lr());
      step++;
      return r;
    }
  }

  /**
   * Runs step {@link #step()} on views made elsewhere (float [B,3,S,S], normalised; e.g. the fixed
   * tensors of a parity check against another implementation) and advances; temporaries belong to
   * the views' manager.
   */
  public MocoTrainer.StepResult runStepOnViews(NDArray queryView, NDArray keyView) {
    if (sgd == null)
      throw new IllegalStateException(strategy.cliName() + " trains nothing: no step on views");
    MocoTrainer.StepResult r = trainer.trainOnViews(queryView, keyView, step, lr());
    step++;
    return r;
  }

  /** Learning rate of the next step (0 for a recalibration job). */
  public double lr() {
    return sgd == null ? 0 : schedule.lr(step);
  }

  /** Steps done. */
  public long step() {
    return step;
  }

  public Strategy strategy() {
    return strategy;
  }

  /** How the session started from its parent (recorded in every checkpoint it writes). */
  public ParentInit init() {
    return init;
  }

  /** The effective config (architecture from the parent where there is one). */
  public PretrainConfig config() {
    return config;
  }

  public ChannelStats channelStats() {
    return stats;
  }

  public MocoModel model() {
    return model;
  }

  public NDManager manager() {
    return manager;
  }

  /** Copies of the full state, owned by {@code into}. */
  public Map<String, NDList> capture(NDManager into) {
    return TrainState.capture(into, model, sgd);
  }

  /** Restores a captured state and the step counter (resume). */
  public void restore(Map<String, NDList> groups, int queuePointer, long doneSteps) {
    if (doneSteps < 0 || doneSteps > config.steps())
      throw new IllegalArgumentException(
          "checkpoint step " + doneSteps + " outside job of " + config.steps() + " steps");
    TrainState.restore(groups, model, sgd, queuePointer);
    this.step = doneSteps;
  }

  @Override
  public void close() {
    manager.close();
  }
}
