package org.hptstream.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hptstream.checkpoint.CheckpointManifest.FileEntry;

/**
 * Coverage-guided fuzzing of the checkpoint manifest reader. The one documented failure is {@link
 * CheckpointException}; anything else is a finding, and so is a manifest that is accepted while
 * naming a file outside its checkpoint directory. {@code mvn verify} replays {@code
 * CheckpointManifestFuzzTestInputs/}; {@code ops/bench/fuzz/run} fuzzes.
 */
class CheckpointManifestFuzzTest {
  private static final String ID = "fuzz-hpt-1-0123abcd";
  private static final LocalCheckpointStore STORE;

  static {
    try {
      Path root = Files.createTempDirectory("manifest-fuzz");
      Files.createDirectories(root.resolve(ID));
      STORE = new LocalCheckpointStore(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void read(byte[] manifest) throws IOException {
    Path dir = STORE.root().resolve(ID);
    Files.write(dir.resolve("manifest.json"), manifest);
    try {
      STORE
          .manifest(ID)
          .ifPresent(
              m -> {
                for (FileEntry f : m.files()) {
                  Path file = dir.resolve(f.name()).normalize();
                  if (!dir.equals(file.getParent())) {
                    throw new AssertionError("manifest accepted with file " + f.name());
                  }
                }
              });
    } catch (CheckpointException documented) {
      // a clean refusal
    }
  }
}
