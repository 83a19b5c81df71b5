package org.hptstream.stack;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A JVM child process (broker or registry) whose output goes to a log file. It has no pipe to this
 * JVM, so it keeps running after this JVM exits unless {@link #stop} is called.
 */
public final class JavaProcess {

  private static final Duration POLL = Duration.ofMillis(200);

  private final String name;
  private final ProcessHandle handle;
  private final Process process; // null when found through a pid file rather than started here
  private final Path log;

  private JavaProcess(String name, ProcessHandle handle, Process process, Path log) {
    this.name = name;
    this.handle = handle;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code java <jvmArgs> <mainArgs>} with the JDK running this JVM, appending stdout and
   * stderr to {@code log}. It stays in this process's session, so a Ctrl-C that stops us stops it.
   */
  public static JavaProcess launch(
      String name, List<String> jvmArgs, List<String> mainArgs, Path log) {
    return start(name, javaCommand(jvmArgs, mainArgs), log);
  }

  /**
   * Like {@link #launch}, but in a session of its own ({@code setsid}), so signals meant for the
   * terminal or script that started us (Ctrl-C, hang-up) do not reach it: for services that must
   * outlive the command that started them. {@code setsid} execs in place, so the pid stays the java
   * process's.
   */
  public static JavaProcess launchDetached(
      String name, List<String> jvmArgs, List<String> mainArgs, Path log) {
    List<String> command = javaCommand(jvmArgs, mainArgs);
    if (Files.isExecutable(SETSID)) {
      command.add(0, SETSID.toString());
    }
    return start(name, command, log);
  }

  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private static List<String> javaCommand(List<String> jvmArgs, List<String> mainArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.addAll(mainArgs);
    return command;
  }

  private static JavaProcess start(String name, List<String> command, Path log) {
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      return new JavaProcess(name, p.toHandle(), p, log);
    } catch (IOException e) {
      throw new StackException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /** Wraps a process found again (e.g. from a {@link PidFile}); exit codes are unknown for it. */
  public static JavaProcess adopt(String name, ProcessHandle handle, Path log) {
    return new JavaProcess(name, handle, null, log);
  }

  public long pid() {
    return handle.pid();
  }

  public ProcessHandle handle() {
    return handle;
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return handle.isAlive();
  }

  /** Runs the process to its end (for one-shot tools) and fails unless it exits with 0. */
  public void awaitSuccess(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new StackException(
            name + " did not finish within " + timeout.toSeconds() + " s; see " + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while waiting for " + name, e);
    }
    if (process.exitValue() != 0) {
      throw new StackException(
          name + " failed with exit code " + process.exitValue() + "; see " + log);
    }
  }

  /**
   * Polls {@code probe} until it says the process serves {@code endpoint}. Fails early when the
   * process dies, and after {@code timeout} with a message that points to the log.
   */
  public void awaitReady(String endpoint, BooleanSupplier probe, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (probe.getAsBoolean()) {
        return;
      }
      if (!handle.isAlive()) {
        String code = process == null ? "" : " with code " + process.exitValue();
        throw new StackException(
            name + " exited" + code + " before answering at " + endpoint + "; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new StackException(
            name
                + " did not answer at "
                + endpoint
                + " within "
                + timeout.toSeconds()
                + " s; see "
                + log);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StackException("interrupted while waiting for " + name, e);
      }
    }
  }

  /**
   * Asks the process to stop (SIGTERM), waits up to {@code grace}, then kills it. Returns whether
   * it stopped cleanly (without the kill).
   */
  public boolean stop(Duration grace) {
    if (!handle.isAlive()) {
      return true;
    }
    handle.destroy();
    if (waitForExit(grace)) {
      return true;
    }
    handle.destroyForcibly();
    if (!waitForExit(Duration.ofSeconds(10))) {
      throw new StackException("cannot kill " + name + " (pid " + handle.pid() + ")");
    }
    return false;
  }

  private boolean waitForExit(Duration timeout) {
    try {
      handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !handle.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
