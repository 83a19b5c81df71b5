package org.hptstream.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Remembers which process we started: pid plus start time, so a reused pid never makes us stop a
 * stranger's process.
 */
public final class PidFile {

  private PidFile() {}

  public static void write(Path file, ProcessHandle process) {
    long start = process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, process.pid() + " " + start + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The live process the file names, if it is still the one that was recorded. */
  public static Optional<ProcessHandle> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String[] parts = Files.readString(file).trim().split("\\s+");
      long pid = Long.parseLong(parts[0]);
      long start = parts.length > 1 ? Long.parseLong(parts[1]) : -1L;
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(
              p ->
                  start < 0
                      || p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == start);
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // unreadable or stale record: treat as "nothing running"
    }
  }

  public static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file, e);
    }
  }
}
