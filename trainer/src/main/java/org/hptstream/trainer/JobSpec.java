package org.hptstream.trainer;

import java.util.List;
import org.hptstream.checkpoint.CheckpointManifest.JobInput;
import org.hptstream.checkpoint.CheckpointManifest.OffsetSpan;
import org.hptstream.data.ImageSet;
import org.hptstream.data.Sha256;
import org.hptstream.pretrain.PretrainConfig;
import org.hptstream.strategy.Strategy;

/**
 * One job as the service starts it: what it trains, from which parent, on which fixed input.
 *
 * @param domain the domain
 * @param strategy the strategy
 * @param parentId parent checkpoint id (resolved through the store), null for {@code target}
 * @param config the job's configuration (its own cosine schedule over its steps)
 * @param input job id, offset ranges, sample digest and request id, recorded in every checkpoint
 * @param sample the training sample, or null when it must be rebuilt from {@code input}'s ranges (a
 *     job resumed after a restart)
 */
public record JobSpec(
    String domain,
    Strategy strategy,
    String parentId,
    PretrainConfig config,
    JobInput input,
    ImageSet sample) {

  /** The job's id. */
  public String jobId() {
    return input.jobId();
  }

  /**
   * A deterministic job id: the same domain, strategy, parent, steps and input offsets give the
   * same id, so a retried or resumed job is recognised.
   */
  public static String jobId(
      String domain, Strategy strategy, String parentId, long steps, List<OffsetSpan> ranges) {
    StringBuilder b =
        new StringBuilder()
            .append(domain)
            .append('|')
            .append(strategy.cliName())
            .append('|')
            .append(parentId)
            .append('|')
            .append(steps);
    ranges.stream()
        .sorted(
            java.util.Comparator.comparing(OffsetSpan::topic)
                .thenComparingInt(OffsetSpan::partition))
        .forEach(
            r ->
                b.append('|')
                    .append(r.topic())
                    .append(':')
                    .append(r.partition())
                    .append(':')
                    .append(r.start())
                    .append('-')
                    .append(r.end()));
    return domain + "-" + Sha256.of(b.toString().getBytes()).substring(0, 16);
  }
}
