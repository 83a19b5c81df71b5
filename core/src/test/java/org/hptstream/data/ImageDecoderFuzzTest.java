package org.hptstream.data;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of PNG/JPEG decoding under a pixel cap. The one documented failure is
 * {@link InvalidImageDataException}; anything else thrown (an {@code OutOfMemoryError} included) is
 * a finding. {@code mvn verify} replays {@code ImageDecoderFuzzTestInputs/}; {@code
 * ops/bench/fuzz/run} fuzzes.
 */
class ImageDecoderFuzzTest {
  private static final ImageLimits LIMITS = new ImageLimits(1 << 20);

  @FuzzTest(maxDuration = "60s")
  void decode(byte[] encoded) {
    try {
      DecodedImage d = ImageDecoder.decode(encoded, "fuzz", LIMITS);
      if ((long) d.width() * d.height() > LIMITS.maxPixels()) {
        throw new AssertionError("decoded beyond the cap: " + d.width() + "x" + d.height());
      }
    } catch (InvalidImageDataException documented) {
      // a clean refusal
    }
  }
}
