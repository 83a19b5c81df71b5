package org.hptstream.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * Seeded random initialisation: the engine's RNG seeded from a job seed, so that the random network
 * a TARGET job starts from can be drawn again without the job (the "random init" row every gain is
 * read against).
 */
public final class RandomInit {
  private RandomInit() {}

  /** Seeds the engine's RNG from a 64-bit seed; a TARGET job does this before drawing its net. */
  public static void seedEngine(long seed) {
    Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
  }

  /**
   * A backbone of {@code arch} drawn as a TARGET job with {@code seed} draws its query encoder's:
   * the same tensors, on {@code manager}'s device.
   */
  public static ResNet backbone(ResNetConfig arch, long seed, NDManager manager) {
    seedEngine(seed);
    ResNet net = ResNet.backbone(arch);
    net.initialize(manager);
    return net;
  }
}
