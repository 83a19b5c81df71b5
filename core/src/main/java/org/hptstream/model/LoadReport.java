package org.hptstream.model;

import java.util.List;

/**
 * What a weight load actually did. A load that leaves a backbone tensor unloaded never returns a
 * report (it throws), so {@code loadedBackbone == expectedBackbone} always holds here; the report
 * exists so callers can log and record exactly what came from where.
 *
 * @param source where the tensors came from (file name or description)
 * @param loadedBackbone number of backbone tensors copied (BN running stats included)
 * @param expectedBackbone number of backbone tensors of the model
 * @param fcLoaded whether {@code fc.weight} and {@code fc.bias} were copied too
 * @param strippedPrefix the key prefix that was removed ({@code module.encoder_q.} etc.), or empty
 * @param skippedHead keys of projection / classifier heads present in the source but not loaded
 * @param skippedOther keys of other MoCo state (key encoder, queue) present but not loaded
 * @param ignoredBatchCounters number of BN {@code num_batches_tracked} entries ignored
 */
public record LoadReport(
    String source,
    int loadedBackbone,
    int expectedBackbone,
    boolean fcLoaded,
    String strippedPrefix,
    List<String> skippedHead,
    List<String> skippedOther,
    int ignoredBatchCounters) {

  /** Makes the lists immutable. */
  public LoadReport {
    skippedHead = List.copyOf(skippedHead);
    skippedOther = List.copyOf(skippedOther);
  }

  /**
   * One line for logs, e.g. {@code loaded 122/122 backbone tensors + fc from x.npz (prefix ...)}.
   */
  public String summary() {
    StringBuilder sb =
        new StringBuilder("loaded ")
            .append(loadedBackbone)
            .append('/')
            .append(expectedBackbone)
            .append(" backbone tensors");
    sb.append(fcLoaded ? " + fc" : ", fc not loaded").append(" from ").append(source);
    if (!strippedPrefix.isEmpty()) {
      sb.append(" (prefix '").append(strippedPrefix).append("' stripped)");
    }
    if (!skippedHead.isEmpty()) {
      sb.append("; skipped head keys ").append(skippedHead);
    }
    if (!skippedOther.isEmpty()) {
      sb.append("; skipped ").append(skippedOther.size()).append(" key-encoder/queue keys");
    }
    if (ignoredBatchCounters > 0) {
      sb.append("; ignored ").append(ignoredBatchCounters).append(" num_batches_tracked");
    }
    return sb.toString();
  }
}
