package org.hptstream.evaluator;

/** A checkpoint event the service cannot evaluate; {@link #reason} says which kind of problem. */
public final class CheckpointRejected extends Exception {
  /** Why a checkpoint was not evaluated. */
  public enum Reason {
    /** Not in the configured store. */
    MISSING,
    /** The event's hash does not match the stored files, or a file does not match its manifest. */
    TAMPERED,
    /** Another architecture or domain than the event says, or data the backbone cannot take. */
    INCOMPATIBLE,
    /** The record is not a checkpoint event, or names no valid id. */
    INVALID,
    /** The domain has no labelled train or test split to evaluate on. */
    NO_LABELLED_DATA
  }

  private final Reason reason;

  public CheckpointRejected(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public CheckpointRejected(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
