package org.hptstream.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** Content-derived ids: the same input gives the same ids, so a re-run's duplicates are recognisable. */
final class ContentIds {
  private ContentIds() {}

  /** Id of an encoded image: sha-256 of its bytes. */
  static String ofEncoded(byte[] bytes) {
    MessageDigest md = sha256();
    md.update(bytes);
    return HexFormat.of().formatHex(md.digest());
  }

  /** Id of raw pixels: sha-256 of channels, height, width (big-endian ints) and the pixels. */
  static String ofPixels(int channels, int height, int width, byte[] pixels, int offset, int length) {
    MessageDigest md = sha256();
    md.update(ByteBuffer.allocate(12).putInt(channels).putInt(height).putInt(width).array());
    md.update(pixels, offset, length);
    return HexFormat.of().formatHex(md.digest());
  }

  /** Id of a batch: sha-256 of domain, split and the image ids in order. */
  static String ofBatch(String domain, String split, List<String> imageIds) {
    MessageDigest md = sha256();
    md.update((domain + "\n" + split + "\n").getBytes(StandardCharsets.UTF_8));
    for (String id : imageIds) {
      md.update(id.getBytes(StandardCharsets.US_ASCII));
      md.update((byte) '\n');
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
