package org.hptstream.trainer;

import java.time.Duration;
import java.time.Instant;

/**
 * When new data makes a domain's next job start. Asked by the poll thread between polls, only while
 * no job of the domain runs, so triggers that pile up during a job merge into one next job.
 */
public interface TriggerPolicy {

  /**
   * @param newImages images that arrived since the last job's input ended
   * @param since when the last job started, or when the first of the new images arrived if no job
   *     ran yet
   * @param now the time of the decision
   * @return true to start a job now
   */
  boolean shouldTrigger(long newImages, Instant since, Instant now);

  /**
   * Every {@code everyImages} new images, or every {@code everyMinutes} when anything new arrived;
   * 0 turns either off; {@code onRequestOnly} turns both off.
   */
  static TriggerPolicy of(long everyImages, double everyMinutes, boolean onRequestOnly) {
    if (onRequestOnly) {
      return (n, since, now) -> false;
    }
    Duration period = Duration.ofMillis(Math.round(everyMinutes * 60_000));
    return (n, since, now) ->
        n > 0
            && ((everyImages > 0 && n >= everyImages)
                || (!period.isZero() && !now.isBefore(since.plus(period))));
  }
}
