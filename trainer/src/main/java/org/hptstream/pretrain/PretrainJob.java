package org.hptstream.pretrain;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.CheckpointStore;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.data.ImageSet;
import org.hptstream.moco.MocoTrainer;
import org.hptstream.moco.NonFiniteLossException;
import org.hptstream.strategy.Strategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pretraining job to the end: sets the strategy up (parent loaded and verified; a parent
 * of the same domain and strategy is continued with its head, key encoder and queue, see {@link
 * ParentInit}), resumes from the job's own latest checkpoint when asked, steps with listeners,
 * writes periodic and final checkpoints with the full state into a {@link LocalCheckpointStore} at
 * {@code out}.
 *
 * <p>A NaN/inf loss stops the job with {@link NonFiniteLossException}; nothing is written for the
 * bad step, so the last periodic checkpoint stays the newest. A resumed job continues
 * bit-identically on CPU to an uninterrupted one with the same settings: every random draw derives
 * from (seed, step).
 */
public final class PretrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(PretrainJob.class);

  /**
   * @param strategy what to run
   * @param parent parent checkpoint directory ({@code <store>/<id>}), null for TARGET
   * @param data training images (labels ignored)
   * @param domain domain label recorded in the manifest ({@code [a-z0-9._-]+})
   * @param dataSource description of the data for the manifest
   * @param out checkpoint store directory
   * @param config profile with overrides
   * @param resume continue from this job's latest checkpoint in {@code out} if there is one
   * @param device where to train; null for the engine default (GPU when present)
   * @param input the service job's id and fixed input, recorded in every checkpoint and required of
   *     a checkpoint to resume from; null for a command-line job
   */
  public record Request(
      Strategy strategy,
      Path parent,
      ImageSet data,
      String domain,
      String dataSource,
      Path out,
      PretrainConfig config,
      boolean resume,
      Device device,
      CheckpointManifest.JobInput input) {
    /** A command-line job (no service job input). */
    public Request(
        Strategy strategy,
        Path parent,
        ImageSet data,
        String domain,
        String dataSource,
        Path out,
        PretrainConfig config,
        boolean resume,
        Device device) {
      this(strategy, parent, data, domain, dataSource, out, config, resume, device, null);
    }
  }

  /**
   * @param checkpoint directory of the resulting checkpoint (the parent's for BASE)
   * @param id its id
   * @param steps steps the job ran in total (including before a resume)
   * @param finalLoss last loss, null without one
   * @param resumedFrom checkpoint id the job resumed from, or null
   */
  public record Result(
      Path checkpoint, String id, long steps, Double finalLoss, String resumedFrom) {}

  private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean stopRequested;
  private CheckpointStore store;

  /**
   * Writes checkpoints into {@code store} (whose root must be the request's {@code out}) instead of
   * a plain {@link LocalCheckpointStore}, e.g. one that traces its durability steps.
   */
  public PretrainJob withStore(CheckpointStore store) {
    this.store = store;
    return this;
  }

  public PretrainJob addListener(TrainingListener l) {
    listeners.add(l);
    return this;
  }

  /**
   * Asks a running job to stop after the current step; it then writes a checkpoint (unless one was
   * just written) and returns normally with fewer steps than planned, ready to be resumed.
   */
  public void requestStop() {
    stopRequested = true;
  }

  /** Runs the job; see the class comment. */
  public Result run(Request r) {
    // Autograd is per thread and on by default except where the engine was loaded; the optimizer
    // updates leaves in place outside the gradient collector, so it must be off on this thread.
    org.hptstream.tensor.GradMode.offOnThisThread();
    if (r.strategy() == Strategy.BASE) {
      if (r.parent() == null)
        throw new IllegalArgumentException("base needs a parent checkpoint: it is the result");
      try (NDManager m = NDManager.newBaseManager()) {
        ParentModel p = JobCheckpoints.loadParent(r.parent(), m); // verifies it
        LOG.info("base: {} is the result ({})", p.id(), p.loadReport());
        return new Result(r.parent().toAbsolutePath().normalize(), p.id(), 0, null, null);
      }
    }
    CheckpointStore store = this.store != null ? this.store : new LocalCheckpointStore(r.out());
    // The parent's arrays live only until the session has copied them into its model: the
    // try-with-resources closes them (once) before training starts. The session owns the rest.
    String parentId = null;
    PretrainSession session;
    try (NDManager parentMem = NDManager.newBaseManager()) {
      ParentModel parent =
          r.parent() == null
              ? null
              : JobCheckpoints.loadParent(
                  r.parent(), parentMem, r.domain(), r.strategy(), r.config());
      if (parent != null) {
        LOG.info("parent loaded: {}", parent.loadReport());
        parentId = parent.id();
      }
      session = new PretrainSession(r.strategy(), r.config(), r.data(), parent, r.device());
    }
    try (PretrainSession s = session) {
      JobCheckpoints.JobKey key =
          new JobCheckpoints.JobKey(
              r.domain(),
              r.strategy().cliName(),
              parentId,
              s.config(),
              s.channelStats(),
              r.input());
      String resumedFrom = null;
      CheckpointManifest last = null;
      if (r.resume()) {
        Optional<CheckpointManifest> prev = JobCheckpoints.latest(store, key);
        if (prev.isPresent()) {
          LOG.info(
              "resuming from {}: {}", prev.get().id(), JobCheckpoints.resume(store, prev.get(), s));
          resumedFrom = prev.get().id();
          last = prev.get();
        } else {
          LOG.info("nothing to resume in {}: starting at step 0", r.out());
        }
      }
      return loop(r, s, store, key, last, resumedFrom);
    }
  }

  private Result loop(
      Request r,
      PretrainSession s,
      CheckpointStore store,
      JobCheckpoints.JobKey key,
      CheckpointManifest last,
      String resumedFrom) {
    PretrainConfig c = s.config();
    long total = c.steps();
    String device = s.manager().getDevice().toString();
    notify(
        l ->
            l.onStart(
                new TrainingListener.JobStart(
                    r.strategy().cliName(), s.step(), total, c.batchSize(), device)));
    double lastLoss = Double.NaN;
    Throughput tp = new Throughput();
    try {
      if (last != null && s.step() >= total) {
        return result(r, last, s.step(), resumedFrom);
      }
      while (s.step() < total) {
        double lr = s.lr();
        long t0 = System.nanoTime();
        MocoTrainer.StepResult res = s.runStep();
        double ips = tp.add(c.batchSize(), System.nanoTime() - t0);
        lastLoss = res.loss();
        long done = s.step();
        Duration eta =
            Duration.ofMillis((long) ((total - done) * c.batchSize() / Math.max(ips, 1e-9) * 1000));
        StepReport rep = new StepReport(done, total, res.loss(), lr, ips, eta, res.featureStd());
        notify(l -> l.onStep(rep));
        boolean stop = stopRequested;
        if (done % c.checkpointEvery() == 0 || done == total || stop) {
          last = JobCheckpoints.save(store, s, key, r.dataSource(), r.data().size(), lastLoss);
          Path dir = r.out().resolve(last.id());
          long step = done;
          notify(l -> l.onCheckpoint(step, dir));
        }
        if (stop) {
          LOG.info("stop requested: stopped after step {} of {}", done, total);
          break;
        }
      }
      Result out = result(r, last, s.step(), resumedFrom);
      notify(l -> l.onEnd(out.steps(), null));
      return out;
    } catch (RuntimeException e) {
      long step = s.step();
      notify(l -> l.onEnd(step, e));
      throw e;
    }
  }

  private Result result(Request r, CheckpointManifest m, long steps, String resumedFrom) {
    return new Result(
        r.out().toAbsolutePath().resolve(m.id()), m.id(), steps, m.finalLoss(), resumedFrom);
  }

  private void notify(java.util.function.Consumer<TrainingListener> call) {
    for (TrainingListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("training listener {} failed", l, e);
      }
    }
  }

  /** Images per second over the last 20 steps. */
  private static final class Throughput {
    private final List<long[]> window = new ArrayList<>();

    double add(int images, long nanos) {
      window.add(new long[] {images, nanos});
      if (window.size() > 20) window.remove(0);
      long n = 0;
      long t = 0;
      for (long[] w : window) {
        n += w[0];
        t += w[1];
      }
      return n / (t / 1e9);
    }
  }
}
