package org.hptstream.ingest;

import java.nio.file.Path;
import org.hptstream.data.ImageSet;
import org.hptstream.schemas.ImageFormat;

/**
 * One validated image waiting to be sent: its content id and an upper bound of its encoded size,
 * without holding file bytes (files are re-read, and re-checked, when their batch is built).
 */
sealed interface ImageItem {
  /** Hex sha-256 of the content. */
  String id();

  /** Human-readable origin: relative file path or {@code <idx file>#<index>}. */
  String source();

  /** Upper bound of this image's size inside an Avro ImageBatch. */
  int encodedSizeBound();

  /** An encoded PNG/JPEG file. */
  record FileImage(Path path, String source, ImageFormat format, String id, int size)
      implements ImageItem {
    @Override
    public int encodedSizeBound() {
      return size + sizeOverhead(source);
    }
  }

  /** One image of an IDX set, sent as raw pixels. */
  record IdxImage(ImageSet set, int index, String source, String id, Integer label)
      implements ImageItem {
    @Override
    public int encodedSizeBound() {
      return set.imageBytes() + 15 + sizeOverhead(source);
    }
  }

  /** id (64 ASCII + length), union and enum indices, bytes length, label union, source string. */
  private static int sizeOverhead(String source) {
    return 2 + 64 + 2 + 5 + 6 + 5 + 3 * source.length();
  }
}
