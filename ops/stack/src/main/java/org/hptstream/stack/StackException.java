package org.hptstream.stack;

/** A stack component could not be started, found or stopped; the message says what to look at. */
public class StackException extends RuntimeException {
  public StackException(String message) {
    super(message);
  }

  public StackException(String message, Throwable cause) {
    super(message, cause);
  }
}
