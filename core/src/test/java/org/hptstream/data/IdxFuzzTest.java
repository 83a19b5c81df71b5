package org.hptstream.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the IDX reader (plain and gzip; images and labels). Documented
 * failures: {@link InvalidImageDataException} for malformed content and {@link IOException} for a
 * broken gzip stream; anything else is a finding. {@code mvn verify} replays {@code
 * IdxFuzzTestInputs/}; {@code ops/bench/fuzz/run} fuzzes.
 */
class IdxFuzzTest {
  private static final ImageLimits LIMITS = new ImageLimits(1 << 16);
  private static final Path FILE;

  static {
    try {
      FILE = Files.createTempFile("idx-fuzz", ".idx");
      FILE.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void read(byte[] file) throws IOException {
    Files.write(FILE, file);
    try {
      ImageSet set = Idx.read(FILE, null, LIMITS);
      if ((long) set.height() * set.width() > LIMITS.maxPixels()) {
        throw new AssertionError("read beyond the cap: " + set.height() + "x" + set.width());
      }
    } catch (IOException documented) {
      // InvalidImageDataException or a broken gzip stream: a clean refusal
    }
    try {
      Idx.readLabels(FILE);
    } catch (IOException documented) {
      // as above
    }
  }
}
