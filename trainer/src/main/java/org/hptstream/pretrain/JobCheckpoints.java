package org.hptstream.pretrain;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hptstream.checkpoint.BackboneLoader;
import org.hptstream.checkpoint.Checkpoint;
import org.hptstream.checkpoint.CheckpointDraft;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.CheckpointStore;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.data.ChannelStats;
import org.hptstream.model.TorchvisionWeights;
import org.hptstream.strategy.Strategy;

/**
 * Maps a pretraining job's state to the core {@link CheckpointStore}: full state groups (see {@link
 * TrainState}) plus the scalars a resume needs, and finds the checkpoint a resume continues from.
 */
public final class JobCheckpoints {
  /** Manifest scalars. Job settings are recorded so a resume with different ones is refused. */
  public static final String STEP = "step";

  public static final String QUEUE_PTR = "queue_ptr";
  public static final String SEED = "seed";
  public static final String TOTAL_STEPS = "total_steps";
  public static final String BATCH_SIZE = "batch_size";
  public static final String QUEUE_SIZE = "queue_size";
  public static final String IMAGE_SIZE = "image_size";

  /**
   * 1 when the job continued its parent's training state ({@link ParentInit#CONTINUED}), else 0.
   */
  public static final String CONTINUED = "continued";

  /**
   * {@code Double.doubleToLongBits} of the batch-256 base learning rate (manifest scalars are
   * longs).
   */
  public static final String BASE_LR_BITS = "base_lr_bits";

  private JobCheckpoints() {}

  /**
   * Identifies a job's checkpoints in a store: same domain, strategy, parent, settings and data
   * statistics (a resume on other data would silently change the normalisation), and for a service
   * job the same job id.
   *
   * @param input the service job's id and fixed input, or null for a command-line job
   */
  public record JobKey(
      String domain,
      String strategy,
      String parentId,
      PretrainConfig config,
      ChannelStats stats,
      CheckpointManifest.JobInput input) {
    /** A command-line job's key (no service job input). */
    public JobKey(
        String domain,
        String strategy,
        String parentId,
        PretrainConfig config,
        ChannelStats stats) {
      this(domain, strategy, parentId, config, stats, null);
    }

    boolean matches(CheckpointManifest m) {
      Map<String, Long> s = m.scalars();
      CheckpointManifest.JobInput recorded = m.data() == null ? null : m.data().job();
      String recordedJob = recorded == null ? null : recorded.jobId();
      return java.util.Objects.equals(recordedJob, input == null ? null : input.jobId())
          && m.domain().equals(domain)
          && m.strategy().equals(strategy)
          && m.normalization().equals(normalization(stats.expandTo(3)))
          && java.util.Objects.equals(m.parentId(), parentId)
          && m.architecture().equals(config.arch().id())
          && eq(s, SEED, config.seed())
          && eq(s, TOTAL_STEPS, config.steps())
          && eq(s, BATCH_SIZE, config.batchSize())
          && eq(s, QUEUE_SIZE, config.moco().queueSize())
          && eq(s, IMAGE_SIZE, config.imageSize())
          && eq(s, BASE_LR_BITS, Double.doubleToLongBits(config.baseLr()));
    }

    private static boolean eq(Map<String, Long> s, String k, long v) {
      Long x = s.get(k);
      return x != null && x == v;
    }
  }

  /** Writes the session's full state; returns the stored manifest. */
  public static CheckpointManifest save(
      CheckpointStore store,
      PretrainSession s,
      JobKey key,
      String dataSource,
      long imageCount,
      Double lastLoss) {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDList> groups = s.capture(m);
      PretrainConfig c = s.config();
      Map<String, Long> scalars =
          Map.of(
              STEP,
              s.step(),
              QUEUE_PTR,
              (long) s.model().queue().pointer(),
              SEED,
              c.seed(),
              TOTAL_STEPS,
              c.steps(),
              BATCH_SIZE,
              (long) c.batchSize(),
              QUEUE_SIZE,
              (long) c.moco().queueSize(),
              IMAGE_SIZE,
              (long) c.imageSize(),
              BASE_LR_BITS,
              Double.doubleToLongBits(c.baseLr()),
              CONTINUED,
              s.init() == ParentInit.CONTINUED ? 1L : 0L);
      ChannelStats rgb = s.channelStats().expandTo(3);
      CheckpointDraft draft =
          new CheckpointDraft(
              key.parentId(),
              key.domain(),
              key.strategy(),
              s.step(),
              c.arch(),
              normalization(rgb),
              new CheckpointManifest.DataStats(imageCount, dataSource, key.input()),
              lastLoss == null || lastLoss.isNaN() ? null : lastLoss,
              scalars,
              groups);
      return store.put(draft);
    }
  }

  /** The most advanced checkpoint of exactly this job in {@code store}, if any. */
  public static Optional<CheckpointManifest> latest(CheckpointStore store, JobKey key) {
    return store.list().stream()
        .filter(key::matches)
        .max(
            Comparator.comparingLong((CheckpointManifest m) -> m.scalars().get(STEP))
                .thenComparing(CheckpointManifest::createdAt));
  }

  /**
   * Restores {@code manifest}'s full state into the session (verified load of every group).
   *
   * @return the load report's summary
   */
  public static String resume(
      CheckpointStore store, CheckpointManifest manifest, PretrainSession s) {
    // The read tensors live in a scratch manager: restore copies them into the session's own
    // storage, then both close here.
    try (NDManager scratch = s.manager().newSubManager();
        Checkpoint c = store.get(manifest.id(), s.config().arch(), scratch)) {
      Map<String, NDList> groups = new java.util.LinkedHashMap<>();
      for (String g : c.groups()) groups.put(g, c.group(g));
      s.restore(
          groups, Math.toIntExact(manifest.scalars().get(QUEUE_PTR)), manifest.scalars().get(STEP));
      return c.report().summary();
    }
  }

  /**
   * Reads a parent checkpoint directory ({@code <store>/<id>}) with core's {@link BackboneLoader}
   * (the evaluator's loader too) and returns its verified backbone as named arrays owned by {@code
   * manager}: the paper's HPT start.
   */
  public static ParentModel loadParent(Path dir, NDManager manager) {
    try (NDManager scratch = manager.newSubManager()) {
      BackboneLoader.Loaded l = BackboneLoader.load(dir, null, scratch);
      NDList backbone = TorchvisionWeights.namedCopies(l.net().backboneParameters(), manager);
      return new ParentModel(l.net().config(), backbone, l.id(), l.summary());
    }
  }

  /**
   * Reads a parent checkpoint for a job of {@code domain} and {@code strategy}: the verified
   * backbone, and when {@link ParentInit#decide} says the job continues the parent's lineage also
   * its head, key encoder and queue (verified by the store), all owned by {@code manager}. The
   * decision and its reason are in the load report.
   */
  public static ParentModel loadParent(
      Path dir, NDManager manager, String domain, Strategy strategy, PretrainConfig config) {
    ParentModel p = loadParent(dir, manager);
    Path abs = dir.toAbsolutePath().normalize();
    LocalCheckpointStore store = new LocalCheckpointStore(abs.getParent());
    CheckpointManifest m = store.manifest(p.id()).orElseThrow();
    ParentInit.Decision d = ParentInit.decide(m, domain, strategy, config);
    if (d.mode() != ParentInit.CONTINUED) {
      return withReport(p, null, d.reason());
    }
    // Not closed here: the arrays belong to `manager` (its owner closes them once).
    Checkpoint c =
        store.get(p.id(), p.arch(), new java.util.HashSet<>(ParentInit.CARRIED_GROUPS), manager);
    Map<String, NDList> groups = new java.util.LinkedHashMap<>();
    for (String g : ParentInit.CARRIED_GROUPS) groups.put(g, c.group(g));
    Shape queue = groups.get(TrainState.QUEUE).get(TrainState.QUEUE_KEYS).getShape();
    Shape wanted = new Shape(config.moco().queueSize(), config.moco().dim());
    if (!queue.equals(wanted)) {
      c.close();
      return withReport(
          p, null, "parent " + p.id() + " has a queue of " + queue + ", this job " + wanted);
    }
    int pointer = Math.toIntExact(m.scalars().get(QUEUE_PTR));
    // The ring takes whole batches: a pointer the job's batch size does not divide restarts at 0.
    pointer = pointer % config.batchSize() == 0 ? pointer : 0;
    return withReport(p, new ParentModel.Carried(groups, pointer), d.reason());
  }

  private static ParentModel withReport(ParentModel p, ParentModel.Carried carried, String reason) {
    String mode = carried == null ? "backbone only" : "continued";
    return new ParentModel(
        p.arch(), p.backbone(), p.id(), p.loadReport() + "; " + mode + ": " + reason, carried);
  }

  private static CheckpointManifest.Normalization normalization(ChannelStats s) {
    List<Double> mean = new ArrayList<>();
    List<Double> std = new ArrayList<>();
    for (float v : s.mean()) mean.add((double) v);
    for (float v : s.std()) std.add((double) v);
    return new CheckpointManifest.Normalization(mean, std);
  }
}
