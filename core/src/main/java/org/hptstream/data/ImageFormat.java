package org.hptstream.data;

/** Encoded image formats we accept, recognised by their leading bytes rather than file names. */
public enum ImageFormat {
  PNG,
  JPEG;

  /** The format of {@code bytes}, or {@code null} if it is neither PNG nor JPEG. */
  public static ImageFormat sniff(byte[] bytes) {
    if (bytes.length >= 8
        && (bytes[0] & 0xff) == 0x89
        && bytes[1] == 'P'
        && bytes[2] == 'N'
        && bytes[3] == 'G'
        && bytes[4] == 0x0d
        && bytes[5] == 0x0a
        && bytes[6] == 0x1a
        && bytes[7] == 0x0a) {
      return PNG;
    }
    if (bytes.length >= 3
        && (bytes[0] & 0xff) == 0xff
        && (bytes[1] & 0xff) == 0xd8
        && (bytes[2] & 0xff) == 0xff) {
      return JPEG;
    }
    return null;
  }
}
