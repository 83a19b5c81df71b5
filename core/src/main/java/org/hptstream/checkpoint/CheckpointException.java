package org.hptstream.checkpoint;

/** A checkpoint cannot be written or read as asked: missing, truncated, tampered, or mismatched. */
public class CheckpointException extends RuntimeException {

  /** With a message that says which checkpoint and what is wrong. */
  public CheckpointException(String message) {
    super(message);
  }

  /** With a cause (I/O, JSON). */
  public CheckpointException(String message, Throwable cause) {
    super(message + ": " + cause.getMessage(), cause);
  }
}
