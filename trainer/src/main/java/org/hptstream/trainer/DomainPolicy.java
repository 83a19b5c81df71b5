package org.hptstream.trainer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.hptstream.pretrain.PretrainConfig;
import org.hptstream.strategy.Strategy;

/**
 * How the service trains one domain: as the configuration's {@code defaults} or as a per-domain
 * override, where every field left out (null) falls back to the defaults, and those to {@link
 * #builtIn()}.
 *
 * @param strategy {@code hpt}, {@code hpt-bn}, {@code target} or {@code base-bn-recal}
 * @param parent {@code base} (the configured base checkpoint), {@code latest} (this domain's latest
 *     promoted checkpoint, else the base), {@code none} (for {@code target}) or a checkpoint id
 * @param profile {@code cpu-small} or {@code paper}
 * @param steps steps per update (the paper: about 5,000, whatever the data size)
 * @param everyImages trigger a job once this many new images arrived (0: never by count)
 * @param everyMinutes trigger a job when anything new arrived and this many minutes passed since
 *     the last one (0: never by time)
 * @param onRequestOnly train only on {@code hpt request}
 * @param sampleSize images kept in the domain's training sample
 * @param seed seed of the sample and of every job's random draws
 * @param batchSize images per step (the profile's when null)
 * @param queueSize MoCo queue length (the profile's when null)
 * @param imageSize side of the training views (the profile's when null)
 * @param checkpointEvery steps between periodic (resume) checkpoints (the profile's when null)
 * @param lr learning rate per 256 images (the profile's when null)
 * @param labelledSampleSize images kept per labelled split (TRAIN; TEST and VAL) for the gate's kNN
 * @param knnTolerance largest kNN top-1 drop below the parent's that the gate still promotes
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record DomainPolicy(
    String strategy,
    String parent,
    String profile,
    Long steps,
    Long everyImages,
    Double everyMinutes,
    Boolean onRequestOnly,
    Integer sampleSize,
    Long seed,
    Integer batchSize,
    Integer queueSize,
    Integer imageSize,
    Long checkpointEvery,
    Double lr,
    Integer labelledSampleSize,
    Double knnTolerance) {

  /**
   * HPT from the latest checkpoint, the paper's profile and 5,000 steps per update; a job per
   * 10,000 new images or per hour with news; 10,000 images sampled.
   */
  public static DomainPolicy builtIn() {
    return new DomainPolicy(
        "hpt", "latest", "paper", 5_000L, 10_000L, 60.0, false, 10_000, 0L, null, null, null, null,
        null, 2_000, 0.02);
  }

  /** This policy's fields, with {@code fallback}'s where this one has none. */
  public DomainPolicy over(DomainPolicy fallback) {
    if (fallback == null) {
      return this;
    }
    return new DomainPolicy(
        or(strategy, fallback.strategy),
        or(parent, fallback.parent),
        or(profile, fallback.profile),
        or(steps, fallback.steps),
        or(everyImages, fallback.everyImages),
        or(everyMinutes, fallback.everyMinutes),
        or(onRequestOnly, fallback.onRequestOnly),
        or(sampleSize, fallback.sampleSize),
        or(seed, fallback.seed),
        or(batchSize, fallback.batchSize),
        or(queueSize, fallback.queueSize),
        or(imageSize, fallback.imageSize),
        or(checkpointEvery, fallback.checkpointEvery),
        or(lr, fallback.lr),
        or(labelledSampleSize, fallback.labelledSampleSize),
        or(knnTolerance, fallback.knnTolerance));
  }

  /**
   * Checks a complete policy (after {@link #over}).
   *
   * @throws IllegalArgumentException naming the bad field
   */
  public DomainPolicy validate() {
    Strategy s = Strategy.parse(strategy);
    if (s == Strategy.BASE) {
      throw new IllegalArgumentException("strategy base trains nothing: not a service job");
    }
    pretrainConfig(steps); // profile and overrides
    if (everyImages < 0 || everyMinutes < 0) {
      throw new IllegalArgumentException("everyImages and everyMinutes must be >= 0");
    }
    if (labelledSampleSize < 1 || knnTolerance < 0) {
      throw new IllegalArgumentException("labelledSampleSize must be >= 1, knnTolerance >= 0");
    }
    if (sampleSize < 1) {
      throw new IllegalArgumentException("sampleSize must be >= 1, got " + sampleSize);
    }
    return this;
  }

  /** The strategy. */
  public Strategy strategyValue() {
    return Strategy.parse(strategy);
  }

  /** The trigger policy these fields describe. */
  public TriggerPolicy trigger() {
    return TriggerPolicy.of(everyImages, everyMinutes, Boolean.TRUE.equals(onRequestOnly));
  }

  /** The job configuration: the profile with this policy's overrides and {@code jobSteps}. */
  public PretrainConfig pretrainConfig(long jobSteps) {
    PretrainConfig c = PretrainConfig.profile(profile).withSteps(jobSteps).withSeed(seed);
    if (batchSize != null) c = c.withBatchSize(batchSize);
    if (queueSize != null) c = c.withMoco(c.moco().withQueueSize(queueSize));
    if (imageSize != null) c = c.withAugment(c.augment().withSize(imageSize));
    if (checkpointEvery != null) c = c.withCheckpointEvery(checkpointEvery);
    if (lr != null) c = c.withBaseLr(lr);
    return c;
  }

  private static <T> T or(T a, T b) {
    return a != null ? a : b;
  }
}
