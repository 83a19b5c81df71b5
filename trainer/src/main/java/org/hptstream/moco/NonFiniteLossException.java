package org.hptstream.moco;

/** The loss of a step was NaN or infinite; the optimizer step was not taken. */
public final class NonFiniteLossException extends RuntimeException {
  private final long step;
  private final double loss;

  public NonFiniteLossException(long step, double loss) {
    super(
        "loss is "
            + loss
            + " at step "
            + (step + 1)
            + ": training stopped before the optimizer step (the last good checkpoint stays); "
            + "lower the learning rate or check the data");
    this.step = step;
    this.loss = loss;
  }

  /** 0-based step whose loss was not finite. */
  public long step() {
    return step;
  }

  public double loss() {
    return loss;
  }
}
