package org.hptstream.progress;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * One progress bar at a time on a console stream (stderr, so stdout stays for results). With bars
 * off ({@code --no-progress}, logs) it shows nothing and {@link #showsBar()} tells the caller to
 * print its own occasional lines. Thread-safe: listeners call it from I/O threads too.
 */
public final class ConsoleProgress implements AutoCloseable {
  private final boolean bars;
  private final PrintStream out;
  private ProgressBar bar;

  /**
   * @param bars draw bars; when false every call but {@link #println} does nothing
   * @param out the console stream, usually {@code System.err}
   */
  public ConsoleProgress(boolean bars, PrintStream out) {
    this.bars = bars;
    this.out = out;
  }

  /**
   * Ends the current bar, if any, and starts one.
   *
   * @param task name shown before the bar
   * @param total units when done
   * @param unit name of one unit ("files", "steps")
   * @param from units already done (a resumed job)
   * @param showSpeed show units per second (off when the caller's message has a better rate)
   */
  public synchronized void start(
      String task, long total, String unit, long from, boolean showSpeed) {
    close();
    if (bars) {
      ProgressBarBuilder builder =
          new ProgressBarBuilder()
              .setTaskName(task)
              .setInitialMax(total)
              .setUnit(" " + unit, 1)
              .setStyle(ProgressBarStyle.ASCII)
              .setConsumer(new ConsoleProgressBarConsumer(out))
              .startsFrom(from, Duration.ZERO);
      bar = (showSpeed ? builder.showSpeed() : builder).build();
    }
  }

  /** Whether a bar is showing now. */
  public synchronized boolean showsBar() {
    return bar != null;
  }

  /** Advances the bar by {@code units}. */
  public synchronized void stepBy(long units) {
    if (bar != null) {
      bar.stepBy(units);
    }
  }

  /** Moves the bar to {@code done} units and shows {@code message} after it. */
  public synchronized void stepTo(long done, String message) {
    if (bar != null) {
      bar.stepTo(done);
      bar.setExtraMessage(message);
    }
  }

  /** Ends the current bar and prints a line (shown whether or not bars are on). */
  public synchronized void println(String line) {
    close();
    out.println(line);
  }

  /** Ends the current bar, leaving it on screen at its last state. */
  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
