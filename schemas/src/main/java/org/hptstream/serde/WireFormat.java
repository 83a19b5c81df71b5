package org.hptstream.serde;

/**
 * The Confluent Schema Registry wire format: byte 0 is the magic byte 0, bytes 1-4 the schema id
 * (big-endian int), then the Avro binary encoding. Subjects follow TopicNameStrategy.
 */
public final class WireFormat {
  public static final byte MAGIC = 0;
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** {@code <topic>-key} or {@code <topic>-value}. */
  public static String subject(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }

  /** The schema id of a framed message (no checks). */
  public static int schemaId(byte[] message) {
    return ((message[1] & 0xff) << 24)
        | ((message[2] & 0xff) << 16)
        | ((message[3] & 0xff) << 8)
        | (message[4] & 0xff);
  }
}
