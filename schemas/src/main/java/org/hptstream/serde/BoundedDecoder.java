package org.hptstream.serde;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding of one message that never allocates more than the message can hold.
 *
 * <p>Avro's decoder allocates a {@code bytes}/{@code string} value, and its readers an array or
 * map, from the length written in front of it, before reading the data; its own bounds ({@code
 * org.apache.avro.limits.*} system properties) are JVM-wide and default to about 2 GiB. So a
 * 20-byte message that claims a 2 GiB string would allocate 2 GiB. Here every length and item count
 * is checked against the bytes left in the message first: a string or bytes value cannot be longer
 * than what is left, an array or map cannot have more items than bytes left (every item of our
 * schemas takes at least one byte; arrays of {@code null} or of empty records are refused beyond
 * that).
 */
final class BoundedDecoder extends Decoder {
  private final ByteArrayInputStream in;
  private final BinaryDecoder d;

  BoundedDecoder(byte[] data, int offset, int length) {
    this.in = new ByteArrayInputStream(data, offset, length);
    this.d = DecoderFactory.get().directBinaryDecoder(in, null);
  }

  private int checkLength(long length) throws IOException {
    if (length < 0) {
      throw new IOException("malformed Avro: negative length " + length);
    }
    if (length > in.available()) {
      throw new EOFException(
          "malformed Avro: a value claims " + length + " bytes, " + in.available() + " are left");
    }
    return (int) length;
  }

  private long checkItems(long count) throws IOException {
    if (count > in.available()) {
      throw new EOFException(
          "malformed Avro: a block claims "
              + count
              + " items, "
              + in.available()
              + " bytes are left");
    }
    return count;
  }

  @Override
  public void readNull() throws IOException {
    d.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return d.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return d.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return d.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return d.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return d.readDouble();
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int length = checkLength(d.readLong());
    Utf8 result = old != null ? old : new Utf8();
    result.setByteLength(length);
    d.readFixed(result.getBytes(), 0, length);
    return result;
  }

  @Override
  public String readString() throws IOException {
    byte[] bytes = new byte[checkLength(d.readLong())];
    d.readFixed(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public void skipString() throws IOException {
    skipBytes();
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int length = checkLength(d.readLong());
    ByteBuffer result =
        old != null && length <= old.capacity() ? old.clear() : ByteBuffer.allocate(length);
    d.readFixed(result.array(), result.arrayOffset(), length);
    result.limit(length);
    return result;
  }

  @Override
  public void skipBytes() throws IOException {
    int length = checkLength(d.readLong());
    in.skip(length);
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    checkLength(length);
    d.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skip(checkLength(length));
  }

  @Override
  public int readEnum() throws IOException {
    return d.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return checkItems(d.readArrayStart());
  }

  @Override
  public long arrayNext() throws IOException {
    return checkItems(d.arrayNext());
  }

  @Override
  public long skipArray() throws IOException {
    return checkItems(d.skipArray());
  }

  @Override
  public long readMapStart() throws IOException {
    return checkItems(d.readMapStart());
  }

  @Override
  public long mapNext() throws IOException {
    return checkItems(d.mapNext());
  }

  @Override
  public long skipMap() throws IOException {
    return checkItems(d.skipMap());
  }

  @Override
  public int readIndex() throws IOException {
    return d.readIndex();
  }

  /** Bytes not read yet. */
  int remaining() {
    return in.available();
  }
}
