package org.hptstream.evaluation;

import org.hptstream.health.HealthConfig;
import org.hptstream.knn.KnnConfig;
import org.hptstream.probe.LinearProbeConfig;
import org.hptstream.semisup.FineTuneConfig;

/**
 * Settings of every protocol, defaults from the paper.
 *
 * @param probe linear probe (also used by the transfer protocol)
 * @param knn kNN monitor
 * @param health representation health
 * @param semisup semi-supervised fine-tuning
 * @param extractBatch images per forward pass when extracting features
 * @param seed seed of every random choice (hold-outs, inits, batch orders, label samples)
 */
public record EvaluationConfig(
    LinearProbeConfig probe,
    KnnConfig knn,
    HealthConfig health,
    FineTuneConfig semisup,
    int extractBatch,
    long seed) {

  public EvaluationConfig {
    if (extractBatch < 1) {
      throw new IllegalArgumentException("extractBatch must be >= 1");
    }
  }

  /** The paper's protocols (probe 5,000 steps, semi-supervised 2,500 steps), seed 0. */
  public static EvaluationConfig paper() {
    return new EvaluationConfig(
        LinearProbeConfig.paper(),
        KnnConfig.defaults(),
        HealthConfig.defaults(),
        FineTuneConfig.paper(),
        256,
        0);
  }

  /**
   * Small enough for 2 CPU cores: probe 1,000 steps at batch 256, semi-supervised on the CPU
   * fine-tuning schedule; everything else as the paper.
   */
  public static EvaluationConfig cpu() {
    EvaluationConfig p = paper();
    return p.withProbe(p.probe().withSteps(1000).withBatchSize(256))
        .withSemisup(FineTuneConfig.cpu());
  }

  /** {@code paper} or {@code cpu}. */
  public static EvaluationConfig profile(String name) {
    return switch (name) {
      case "paper" -> paper();
      case "cpu" -> cpu();
      default ->
          throw new IllegalArgumentException(
              "unknown evaluation profile '" + name + "' (use paper or cpu)");
    };
  }

  public EvaluationConfig withProbe(LinearProbeConfig p) {
    return new EvaluationConfig(p, knn, health, semisup, extractBatch, seed);
  }

  public EvaluationConfig withKnn(KnnConfig k) {
    return new EvaluationConfig(probe, k, health, semisup, extractBatch, seed);
  }

  public EvaluationConfig withHealth(HealthConfig h) {
    return new EvaluationConfig(probe, knn, h, semisup, extractBatch, seed);
  }

  public EvaluationConfig withSemisup(FineTuneConfig s) {
    return new EvaluationConfig(probe, knn, health, s, extractBatch, seed);
  }

  public EvaluationConfig withSeed(long s) {
    return new EvaluationConfig(probe, knn, health, semisup, extractBatch, s);
  }
}
