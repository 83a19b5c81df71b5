package org.hptstream.data;

import java.io.IOException;

/**
 * Input that is not what it claims to be: a corrupt image, a malformed IDX file, a label mismatch.
 */
public class InvalidImageDataException extends IOException {
  private final String source;

  public InvalidImageDataException(String source, String message) {
    super(source + ": " + message);
    this.source = source;
  }

  public InvalidImageDataException(String source, String message, Throwable cause) {
    super(source + ": " + message, cause);
    this.source = source;
  }

  /** The file or record the problem was found in. */
  public String source() {
    return source;
  }
}
