package org.hptstream.evaluation;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The evaluation protocols {@code hpt evaluate} runs (core/METHOD.md, "Evaluation protocols"). */
public enum Protocol {
  /** Linear probe on frozen pooled features, lr sweep, selected on validation, reported on test. */
  LINEAR("linear"),
  /** Weighted cosine kNN on the cached features. */
  KNN("knn"),
  /** Feature spread and effective rank: is the representation collapsed? */
  HEALTH("health"),
  /** Fine-tune the whole network on a few labels (default 1,000). */
  SEMISUP("semisup"),
  /** A linear classifier trained on the source domain, accuracy on a target domain's test split. */
  TRANSFER("transfer");

  private final String id;

  Protocol(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** Parses a protocol name as the CLI spells it. */
  public static Protocol parse(String s) {
    for (Protocol p : values()) {
      if (p.id.equals(s.trim().toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown protocol '"
            + s
            + "' (use "
            + Arrays.stream(values()).map(Protocol::id).collect(Collectors.joining(", "))
            + ")");
  }
}
