package org.hptstream.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Copies of arrays that own their storage. Use these wherever a copy must outlive its source (state
 * restored from a checkpoint, state captured for one, weights moved between networks).
 *
 * <p>Why not DJL's own calls: on DJL 0.36's PyTorch engine, {@code toType(sameType, true)} and
 * {@code toDevice(sameDevice, true)} are <em>not</em> copies (they call libtorch's {@code
 * Tensor.to(device, dtype)} without its copy flag, which returns the same storage under a new
 * handle), and {@code copyTo(target)} replaces the target's storage with a Java direct buffer
 * instead of writing into it. Arrays read by {@code NDList.decode} (checkpoints, npz files) and
 * arrays created from Java arrays are {@code from_blob} views of direct {@code ByteBuffer}s that
 * only their own Java object keeps alive: an alias of one points into memory the garbage collector
 * frees once the source is closed, and writing through it corrupts the native heap (a resumed job
 * crashed in malloc this way). Every method here allocates with libtorch ({@code zeros}) and then
 * writes in place (an indexed set, libtorch's {@code copy_}), so the result never shares memory
 * with its source.
 */
public final class TensorCopy {

  private static final NDIndex ALL = new NDIndex("...");

  private TensorCopy() {}

  /** A copy of {@code src} with the same shape, type, device and name, owned by {@code owner}. */
  public static NDArray of(NDArray src, NDManager owner) {
    return of(src, owner, src.getDataType(), src.getDevice());
  }

  /**
   * A copy of {@code src} converted to {@code type} on {@code device}, named like {@code src},
   * owned by {@code owner}.
   */
  public static NDArray of(NDArray src, NDManager owner, DataType type, Device device) {
    NDArray out = owner.zeros(src.getShape(), type, device);
    try {
      into(src, out);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    out.setName(src.getName());
    return out;
  }

  /**
   * Writes {@code src} into {@code target} in place, converting type and device: {@code target}
   * keeps its own storage (so gradients, optimizer references and views of it stay valid) and
   * shares nothing with {@code src} afterwards.
   *
   * @throws IllegalArgumentException if the shapes differ
   */
  public static void into(NDArray src, NDArray target) {
    if (!src.getShape().equals(target.getShape())) {
      throw new IllegalArgumentException(
          "cannot copy " + src.getShape() + " into " + target.getShape());
    }
    // Conversions first, as real ones (the flag false: an unchanged array comes back as itself and
    // is not closed below); the in-place set then copies element by element.
    NDArray onDevice = src.toDevice(target.getDevice(), false);
    NDArray converted = onDevice.toType(target.getDataType(), false);
    try {
      target.set(ALL, converted);
    } finally {
      if (converted != onDevice) {
        converted.close();
      }
      if (onDevice != src) {
        onDevice.close();
      }
    }
  }
}
