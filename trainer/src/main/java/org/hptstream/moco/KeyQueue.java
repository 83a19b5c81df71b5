package org.hptstream.moco;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.hptstream.tensor.TensorCopy;

/**
 * MoCo's dictionary: a ring buffer of K L2-normalised keys [K, dim]. Starts as random unit vectors
 * (drawn in Java, so the start is the same on every device for a given seed); each step's keys
 * overwrite the oldest ones after the loss has been computed.
 */
public final class KeyQueue implements AutoCloseable {
  private final NDArray keys;
  private int pointer;

  private KeyQueue(NDArray keys, int pointer) {
    this.keys = keys;
    this.pointer = pointer;
  }

  /** K random unit vectors of {@code dim} components, owned by {@code manager}. */
  public static KeyQueue random(NDManager manager, int size, int dim, Random rng) {
    float[] v = new float[size * dim];
    for (int i = 0; i < size; i++) {
      double n = 0;
      for (int d = 0; d < dim; d++) {
        double g = rng.nextGaussian();
        v[i * dim + d] = (float) g;
        n += g * g;
      }
      float inv = (float) (1 / Math.sqrt(n));
      for (int d = 0; d < dim; d++) v[i * dim + d] *= inv;
    }
    return new KeyQueue(manager.create(v, new Shape(size, dim)), 0);
  }

  /** Overwrites the whole queue with saved keys [K, dim] (copied) and pointer, e.g. on resume. */
  public void restore(NDArray saved, int savedPointer) {
    if (!saved.getShape().equals(keys.getShape()) || savedPointer < 0 || savedPointer >= size())
      throw new IllegalArgumentException(
          "saved queue "
              + saved.getShape()
              + " @"
              + savedPointer
              + " does not fit "
              + keys.getShape());
    TensorCopy.into(saved, keys);
    pointer = savedPointer;
  }

  public NDArray keys() {
    return keys;
  }

  public int pointer() {
    return pointer;
  }

  public int size() {
    return (int) keys.getShape().get(0);
  }

  public int dim() {
    return (int) keys.getShape().get(1);
  }

  public Device device() {
    return keys.getDevice();
  }

  /**
   * Overwrites the oldest {@code batch} keys with {@code k} [batch, dim] (normalised, no gradient).
   */
  public void enqueue(NDArray k) {
    int b = (int) k.getShape().get(0);
    if (size() % b != 0 || k.getShape().get(1) != dim())
      throw new IllegalArgumentException(
          "keys " + k.getShape() + " do not fit queue " + keys.getShape());
    keys.set(new NDIndex("{}:{}", pointer, pointer + b), k);
    pointer = (pointer + b) % size();
  }

  @Override
  public void close() {
    keys.close();
  }
}
