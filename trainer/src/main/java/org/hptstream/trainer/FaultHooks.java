package org.hptstream.trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Test hooks of the trainer service, off unless system properties turn them on; nothing in normal
 * operation sets them.
 *
 * <ul>
 *   <li>{@value #TRACE_PROPERTY}{@code =<file>}: appends one line per durability step (checkpoint
 *       file writes, fsyncs, rename, directory fsync, the announcing transaction) so a test can
 *       check their order, which a kill cannot show (the page cache survives a SIGKILL).
 *   <li>{@value #FAULT_PROPERTY}{@code =<point>}: at that point the service writes {@code
 *       <trace>.at-<point>} and stops dead (sleeps), so a test can SIGKILL it exactly there.
 *       Points: {@code mid-step} (after the 3rd training step of a job, while it trains), {@code
 *       after-checkpoint-write} (final checkpoint durable, before the transaction), {@code
 *       after-commit} (after the transaction committed).
 *   <li>{@value #STEP_DELAY_PROPERTY}{@code =<ms>}: each training step of a job sleeps that long,
 *       so a test can run a job longer than a short {@code max.poll.interval.ms}.
 * </ul>
 */
public final class FaultHooks {
  /** System property naming the trace file. */
  public static final String TRACE_PROPERTY = "hpt.trainer.test.trace";

  /** System property naming the fault point. */
  public static final String FAULT_PROPERTY = "hpt.trainer.test.fault";

  /** System property: milliseconds every training step of the service sleeps (a long job). */
  public static final String STEP_DELAY_PROPERTY = "hpt.trainer.test.step-delay-ms";

  private FaultHooks() {}

  /** After each training step: sleeps {@value #STEP_DELAY_PROPERTY} ms when it is set. */
  public static void stepDelay() {
    String ms = System.getProperty(STEP_DELAY_PROPERTY);
    if (ms == null) {
      return;
    }
    try {
      Thread.sleep(Long.parseLong(ms));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Records one step when tracing is on. */
  public static synchronized void trace(String step) {
    String file = System.getProperty(TRACE_PROPERTY);
    if (file == null) {
      return;
    }
    try {
      Files.writeString(
          Path.of(file),
          step + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** At the configured fault point: leaves a marker and hangs until killed. */
  public static void at(String point) {
    if (!point.equals(System.getProperty(FAULT_PROPERTY))) {
      return;
    }
    String file = System.getProperty(TRACE_PROPERTY, "hpt-trainer-fault");
    try {
      Files.writeString(Path.of(file + ".at-" + point), point + "\n", StandardCharsets.UTF_8);
      Thread.sleep(Long.MAX_VALUE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
