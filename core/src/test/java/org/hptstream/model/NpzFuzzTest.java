package org.hptstream.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of bounded npz reading, decoding into real (libtorch) arrays. The one
 * documented failure is {@link IOException}; anything else is a finding. {@code mvn verify} replays
 * {@code NpzFuzzTestInputs/}; {@code ops/bench/fuzz/run} fuzzes.
 */
class NpzFuzzTest {
  private static final NpzLimits LIMITS = new NpzLimits(1 << 24, 1 << 26, 1_000);
  private static final NDManager MANAGER = NDManager.newBaseManager();

  @FuzzTest(maxDuration = "60s")
  void decode(byte[] npz) {
    try (NDManager scope = MANAGER.newSubManager()) {
      NDList arrays = Npz.decode(npz, scope, LIMITS, "fuzz");
      if (arrays.isEmpty()) {
        throw new AssertionError("an npz that passed its checks decoded to nothing");
      }
    } catch (IOException documented) {
      // a clean refusal
    }
  }
}
