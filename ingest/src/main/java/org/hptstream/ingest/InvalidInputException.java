package org.hptstream.ingest;

import java.util.List;

/** The input cannot be ingested; nothing was sent. Lists every problem found (up to a cap). */
public class InvalidInputException extends Exception {
  private final List<String> problems;

  public InvalidInputException(List<String> problems) {
    super(
        problems.size() == 1
            ? problems.get(0)
            : problems.size() + " problems in the input:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  public InvalidInputException(String problem) {
    this(List.of(problem));
  }

  public List<String> problems() {
    return problems;
  }
}
