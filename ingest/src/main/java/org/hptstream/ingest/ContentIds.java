package org.hptstream.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.hptstream.data.Sha256;

/**
 * Content-derived ids: the same input gives the same ids, so a re-run's duplicates are
 * recognisable.
 */
final class ContentIds {
  private ContentIds() {}

  /** Id of an encoded image: sha-256 of its bytes. */
  static String ofEncoded(byte[] bytes) {
    return Sha256.of(bytes);
  }

  /** Id of raw pixels: sha-256 of channels, height, width (big-endian ints) and the pixels. */
  static String ofPixels(
      int channels, int height, int width, byte[] pixels, int offset, int length) {
    MessageDigest md = Sha256.digest();
    md.update(ByteBuffer.allocate(12).putInt(channels).putInt(height).putInt(width).array());
    md.update(pixels, offset, length);
    return Sha256.hex(md);
  }

  /** Id of a batch: sha-256 of domain, split and the image ids in order. */
  static String ofBatch(String domain, String split, List<String> imageIds) {
    MessageDigest md = Sha256.digest();
    md.update((domain + "\n" + split + "\n").getBytes(StandardCharsets.UTF_8));
    for (String id : imageIds) {
      md.update(id.getBytes(StandardCharsets.US_ASCII));
      md.update((byte) '\n');
    }
    return Sha256.hex(md);
  }
}
