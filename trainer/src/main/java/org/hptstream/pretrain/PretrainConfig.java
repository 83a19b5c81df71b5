package org.hptstream.pretrain;

import java.util.Locale;
import org.hptstream.augment.AugmentConfig;
import org.hptstream.moco.MocoConfig;
import org.hptstream.model.ResNetConfig;

/**
 * Everything a pretraining job needs besides data and strategy. Two profiles: {@link #paper()} (the
 * HPT paper's numbers) and {@link #cpuSmall()} (tests, local demo); every field is overridable
 * through the {@code with*} copies.
 *
 * @param arch backbone architecture (an HPT job takes its parent's)
 * @param batchSize images per step (two views each)
 * @param steps steps of the whole job (the cosine schedule spans them)
 * @param moco MoCo v2 hyper-parameters
 * @param baseLr learning rate per 256 images (0.03), scaled linearly with the batch size
 * @param sgdMomentum SGD momentum (0.9)
 * @param weightDecay SGD weight decay (1e-4)
 * @param augment view augmentation; its size is the training image size
 * @param checkpointEvery steps between periodic checkpoints (a final one is always written)
 * @param seed seed of every random draw of the job
 */
public record PretrainConfig(
    ResNetConfig arch,
    int batchSize,
    long steps,
    MocoConfig moco,
    double baseLr,
    double sgdMomentum,
    double weightDecay,
    AugmentConfig augment,
    long checkpointEvery,
    long seed) {

  public PretrainConfig {
    if (batchSize < 2)
      throw new IllegalArgumentException("batch size must be >= 2 (BN), got " + batchSize);
    if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    if (checkpointEvery < 1) throw new IllegalArgumentException("checkpointEvery must be >= 1");
    if (!(baseLr > 0) || sgdMomentum < 0 || sgdMomentum >= 1 || weightDecay < 0)
      throw new IllegalArgumentException("bad optimizer settings");
    moco.checkBatch(batchSize);
  }

  /**
   * The HPT paper: ResNet-50, 224 px, batch 256, K 65,536, 5,000 steps, lr 0.03 per 256, momentum
   * 0.9, wd 1e-4, the HPT configs' augmentation (MoCo v2 with hue 0.4).
   */
  public static PretrainConfig paper() {
    return new PretrainConfig(
        ResNetConfig.resnet50(),
        256,
        5_000,
        MocoConfig.paper(),
        0.03,
        0.9,
        1e-4,
        AugmentConfig.hptDefault(224),
        1_000,
        0);
  }

  /**
   * Small enough for 2 CPU cores: small-image ResNet-18 of width 16 at 32 px, batch 32, 600 steps
   * (about 80 s at the demo's 235 images/s on 2 idle cores), the paper's augmentation (blur sigma
   * scaled to the image size), T 0.2, and three changes for short runs on a few thousand images,
   * chosen by {@code ops/bench/cpu-profile/run}: from scratch on the demo's target domain it beats
   * the random network it starts from by 3x the spread over pretraining seeds (linear top-1 0.899
   * +- 0.012 against 0.856 +- 0.014), which 200 steps did not (0.851 +- 0.024).
   *
   * <ul>
   *   <li>learning rate 0.06 at batch 32 (base 0.48 per 256): the paper's 0.03 per 256 scaled
   *       linearly to batch 32 is 0.00375, which keeps a few hundred steps in MoCo's early, partly
   *       collapsed phase, where the features probe worse than the random network's;
   *   <li>key-encoder momentum 0.99 (paper 0.999, tuned for 800 ImageNet epochs): at 0.999 the key
   *       encoder of a short job is still mostly its random start (0.9 did not learn at all);
   *   <li>queue K 1,024 (paper 65,536): a queue larger than a small domain holds keys of the
   *       query's own image as negatives.
   * </ul>
   */
  public static PretrainConfig cpuSmall() {
    return new PretrainConfig(
        new ResNetConfig(18, 16, true, 3),
        32,
        600,
        new MocoConfig(128, 1_024, 0.99, 0.2),
        0.48,
        0.9,
        1e-4,
        AugmentConfig.hptDefault(32),
        50,
        0);
  }

  /** {@code paper} or {@code cpu-small}. */
  public static PretrainConfig profile(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "paper" -> paper();
      case "cpu-small", "cpu_small", "cpusmall" -> cpuSmall();
      default ->
          throw new IllegalArgumentException(
              "unknown profile '" + name + "'; one of paper, cpu-small");
    };
  }

  /** Learning rate at step 0 after linear batch scaling. */
  public double scaledLr() {
    return baseLr * batchSize / 256.0;
  }

  public int imageSize() {
    return augment.size();
  }

  public PretrainConfig withArch(ResNetConfig a) {
    return new PretrainConfig(
        a,
        batchSize,
        steps,
        moco,
        baseLr,
        sgdMomentum,
        weightDecay,
        augment,
        checkpointEvery,
        seed);
  }

  public PretrainConfig withBatchSize(int b) {
    return new PretrainConfig(
        arch, b, steps, moco, baseLr, sgdMomentum, weightDecay, augment, checkpointEvery, seed);
  }

  public PretrainConfig withSteps(long s) {
    return new PretrainConfig(
        arch, batchSize, s, moco, baseLr, sgdMomentum, weightDecay, augment, checkpointEvery, seed);
  }

  public PretrainConfig withMoco(MocoConfig m) {
    return new PretrainConfig(
        arch,
        batchSize,
        steps,
        m,
        baseLr,
        sgdMomentum,
        weightDecay,
        augment,
        checkpointEvery,
        seed);
  }

  public PretrainConfig withBaseLr(double lr) {
    return new PretrainConfig(
        arch, batchSize, steps, moco, lr, sgdMomentum, weightDecay, augment, checkpointEvery, seed);
  }

  public PretrainConfig withAugment(AugmentConfig a) {
    return new PretrainConfig(
        arch, batchSize, steps, moco, baseLr, sgdMomentum, weightDecay, a, checkpointEvery, seed);
  }

  public PretrainConfig withCheckpointEvery(long n) {
    return new PretrainConfig(
        arch, batchSize, steps, moco, baseLr, sgdMomentum, weightDecay, augment, n, seed);
  }

  public PretrainConfig withSeed(long s) {
    return new PretrainConfig(
        arch,
        batchSize,
        steps,
        moco,
        baseLr,
        sgdMomentum,
        weightDecay,
        augment,
        checkpointEvery,
        s);
  }
}
