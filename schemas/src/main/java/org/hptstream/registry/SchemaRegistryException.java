package org.hptstream.registry;

/**
 * A schema registry request failed. The message names the URL and what the registry said; the HTTP
 * status is available for callers that act on it ({@link #UNREACHABLE} when no answer came).
 */
public class SchemaRegistryException extends RuntimeException {
  /** Status used when the registry could not be reached at all. */
  public static final int UNREACHABLE = -1;

  private final int status;

  public SchemaRegistryException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** HTTP status of the answer, or {@link #UNREACHABLE}. */
  public int status() {
    return status;
  }
}
