package org.hptstream.model;

import java.util.List;

/**
 * Thrown when weights do not fit a model: missing backbone tensors, shape mismatches, unexpected
 * keys, or an unreadable file. The model is left untouched (validation happens before any copy).
 */
public class WeightLoadException extends RuntimeException {

  private final List<String> problems;

  /** A failure with one line per problem. */
  public WeightLoadException(String source, List<String> problems) {
    super(
        "cannot load weights from "
            + source
            + ": "
            + problems.size()
            + " problem(s):\n  "
            + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /** A failure caused by an unreadable source. */
  public WeightLoadException(String source, Throwable cause) {
    super("cannot read weights from " + source + ": " + cause.getMessage(), cause);
    this.problems = List.of(String.valueOf(cause.getMessage()));
  }

  /** The individual problems, one per line of the message. */
  public List<String> problems() {
    return problems;
  }
}
