package org.hptstream.imagetopic;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hptstream.data.DecodedImage;
import org.hptstream.data.ImageDecoder;
import org.hptstream.data.ImageFormat;
import org.hptstream.data.ImageLimits;
import org.hptstream.data.InvalidImageDataException;
import org.hptstream.schemas.DeadLetter;
import org.hptstream.schemas.EncodedImage;
import org.hptstream.schemas.Image;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.schemas.RawPixels;

/**
 * Turning image-topic records into pixels, and bad records into {@link DeadLetter}s: what every
 * consumer of image topics (snapshot reader, trainer service) does the same way.
 */
public final class ImageRecords {
  private ImageRecords() {}

  /**
   * Decodes every image of a batch. A record counts whole or not at all: the first image that fails
   * fails the batch (a half-used record is harder to reason about).
   *
   * @throws InvalidImageDataException naming the image and what is wrong with it
   */
  public static List<DecodedImage> decodeAll(ImageBatch batch, ImageLimits limits)
      throws InvalidImageDataException {
    List<DecodedImage> out = new ArrayList<>(batch.getImages().size());
    for (Image img : batch.getImages()) {
      out.add(decode(img, limits));
    }
    return out;
  }

  /**
   * Decodes one image: raw pixels are checked for shape, encoded ones decoded after their header's
   * dimensions passed {@code limits} and their format matched the declared one.
   */
  public static DecodedImage decode(Image img, ImageLimits limits)
      throws InvalidImageDataException {
    Object content = img.getContent();
    if (content instanceof RawPixels raw) {
      if (raw.getChannels() != 1 && raw.getChannels() != 3) {
        throw new InvalidImageDataException(
            img.getSource(), "raw pixels with " + raw.getChannels() + " channels");
      }
      limits.check(raw.getWidth(), raw.getHeight(), img.getSource());
      try {
        return new DecodedImage(
            raw.getChannels(), raw.getHeight(), raw.getWidth(), bytes(raw.getPixels()), null);
      } catch (IllegalArgumentException e) {
        throw new InvalidImageDataException(img.getSource(), e.getMessage());
      }
    }
    EncodedImage enc = (EncodedImage) content;
    DecodedImage d = ImageDecoder.decode(bytes(enc.getData()), img.getSource(), limits);
    if (d.format() != ImageFormat.valueOf(enc.getFormat().name())) {
      throw new InvalidImageDataException(
          img.getSource(), "declared " + enc.getFormat() + " but is " + d.format());
    }
    return d;
  }

  /** The dead letter for {@code rec}: its bytes unchanged, with the error that rejected it. */
  public static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> rec, Exception error) {
    return DeadLetter.newBuilder()
        .setTopic(rec.topic())
        .setPartition(rec.partition())
        .setOffset(rec.offset())
        .setKey(rec.key() == null ? null : ByteBuffer.wrap(rec.key()))
        .setValue(rec.value() == null ? null : ByteBuffer.wrap(rec.value()))
        .setErrorClass(error.getClass().getName())
        .setErrorMessage(String.valueOf(error.getMessage()))
        .setTimestamp(Instant.now())
        .build();
  }

  /** A record's key as text (dead letters are keyed like their source), or null. */
  public static String key(ConsumerRecord<byte[], byte[]> rec) {
    return rec.key() == null ? null : new String(rec.key(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
