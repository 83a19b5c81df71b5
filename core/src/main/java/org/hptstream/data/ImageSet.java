package org.hptstream.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * Same-sized 8-bit images held in memory as one NCHW byte array, with optional integer labels.
 *
 * <p>Kept as raw bytes (not floats) so a 60k-image domain costs 47 MB, not 188 MB, and batches go
 * to the device as uint8: conversion and augmentation happen there. Instances are immutable; the
 * arrays handed out by {@link #pixels()} must not be modified.
 */
public final class ImageSet {
  private final byte[] pixels;
  private final int size;
  private final int channels;
  private final int height;
  private final int width;
  private final int[] labels;
  private final int numClasses;

  private ImageSet(
      byte[] pixels, int size, int channels, int height, int width, int[] labels, int numClasses) {
    this.pixels = pixels;
    this.size = size;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.labels = labels;
    this.numClasses = numClasses;
  }

  /**
   * Wraps NCHW pixels (not copied).
   *
   * @param labels one label per image, or {@code null} for unlabeled data
   * @throws IllegalArgumentException if the sizes disagree or a label is negative
   */
  public static ImageSet of(
      byte[] pixels, int size, int channels, int height, int width, int[] labels) {
    Objects.requireNonNull(pixels, "pixels");
    if (size < 0 || channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "bad shape [" + size + ", " + channels + ", " + height + ", " + width + "]");
    }
    if ((long) size * channels * height * width != pixels.length) {
      throw new IllegalArgumentException(
          "pixels has "
              + pixels.length
              + " bytes, shape ["
              + size
              + ", "
              + channels
              + ", "
              + height
              + ", "
              + width
              + "] needs "
              + ((long) size * channels * height * width));
    }
    int classes = 0;
    if (labels != null) {
      if (labels.length != size) {
        throw new IllegalArgumentException(labels.length + " labels for " + size + " images");
      }
      for (int l : labels) {
        if (l < 0) {
          throw new IllegalArgumentException("negative label " + l);
        }
        classes = Math.max(classes, l + 1);
      }
    }
    return new ImageSet(pixels, size, channels, height, width, labels, classes);
  }

  public int size() {
    return size;
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  /** Bytes per image: {@code channels * height * width}. */
  public int imageBytes() {
    return channels * height * width;
  }

  /** The backing NCHW bytes (shared, do not modify). */
  public byte[] pixels() {
    return pixels;
  }

  /** One image's CHW bytes (a copy). */
  public byte[] image(int index) {
    Objects.checkIndex(index, size);
    int n = imageBytes();
    return Arrays.copyOfRange(pixels, index * n, (index + 1) * n);
  }

  public boolean hasLabels() {
    return labels != null;
  }

  public int label(int index) {
    requireLabels();
    return labels[index];
  }

  /** A copy of all labels. */
  public int[] labels() {
    requireLabels();
    return labels.clone();
  }

  /** {@code max(label) + 1}, or 0 when unlabeled. */
  public int numClasses() {
    return numClasses;
  }

  private void requireLabels() {
    if (labels == null) {
      throw new IllegalStateException("this image set has no labels");
    }
  }

  /** The images at {@code indices}, in that order (copied). */
  public ImageSet select(int[] indices) {
    int n = imageBytes();
    byte[] out = new byte[indices.length * n];
    int[] outLabels = labels == null ? null : new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      int src = Objects.checkIndex(indices[i], size);
      System.arraycopy(pixels, src * n, out, i * n, n);
      if (outLabels != null) {
        outLabels[i] = labels[src];
      }
    }
    return new ImageSet(out, indices.length, channels, height, width, outLabels, numClasses);
  }

  /** Images {@code [from, to)} (copied). */
  public ImageSet slice(int from, int to) {
    Objects.checkFromToIndex(from, to, size);
    int n = imageBytes();
    return new ImageSet(
        Arrays.copyOfRange(pixels, from * n, to * n),
        to - from,
        channels,
        height,
        width,
        labels == null ? null : Arrays.copyOfRange(labels, from, to),
        numClasses);
  }

  /** The same images without labels, e.g. to pretrain on a labelled set. */
  public ImageSet withoutLabels() {
    return labels == null ? this : new ImageSet(pixels, size, channels, height, width, null, 0);
  }

  /**
   * Images {@code [from, to)} as a uint8 NDArray of shape [to-from, C, H, W] owned by {@code
   * manager}.
   */
  public NDArray toNDArray(NDManager manager, int from, int to) {
    Objects.checkFromToIndex(from, to, size);
    int n = imageBytes();
    ByteBuffer buf = ByteBuffer.allocateDirect((to - from) * n);
    buf.put(pixels, from * n, (to - from) * n).flip();
    return manager.create(buf, new Shape(to - from, channels, height, width), DataType.UINT8);
  }

  /** The images at {@code indices} as a uint8 NDArray of shape [indices.length, C, H, W]. */
  public NDArray toNDArray(NDManager manager, int[] indices) {
    int n = imageBytes();
    ByteBuffer buf = ByteBuffer.allocateDirect(indices.length * n);
    for (int idx : indices) {
      buf.put(pixels, Objects.checkIndex(idx, size) * n, n);
    }
    buf.flip();
    return manager.create(buf, new Shape(indices.length, channels, height, width), DataType.UINT8);
  }

  /** Per-channel mean and (population) std of all pixels on the [0, 1] scale. */
  public ChannelStats channelStats() {
    if (size == 0) {
      throw new IllegalStateException("no images to compute statistics from");
    }
    int plane = height * width;
    double[] sum = new double[channels];
    double[] sumSq = new double[channels];
    for (int i = 0; i < size; i++) {
      for (int c = 0; c < channels; c++) {
        int base = (i * channels + c) * plane;
        long s = 0;
        long sq = 0;
        for (int p = 0; p < plane; p++) {
          int v = pixels[base + p] & 0xff;
          s += v;
          sq += v * v;
        }
        sum[c] += s;
        sumSq[c] += sq;
      }
    }
    float[] mean = new float[channels];
    float[] std = new float[channels];
    double count = (double) size * plane;
    for (int c = 0; c < channels; c++) {
      double m = sum[c] / count;
      double var = Math.max(sumSq[c] / count - m * m, 0);
      mean[c] = (float) (m / 255.0);
      // A constant domain would divide by zero when normalising: floor the std.
      std[c] = (float) Math.max(Math.sqrt(var) / 255.0, 1e-3);
    }
    return new ChannelStats(mean, std);
  }

  /** SHA-256 of shape, pixels and labels: identifies a dataset, e.g. as a feature-cache key. */
  public String contentHash() {
    MessageDigest md = Sha256.digest();
    md.update(
        ByteBuffer.allocate(16).putInt(size).putInt(channels).putInt(height).putInt(width).array());
    md.update(pixels);
    if (labels != null) {
      ByteBuffer lb = ByteBuffer.allocate(labels.length * 4);
      for (int l : labels) {
        lb.putInt(l);
      }
      md.update(lb.array());
    }
    return Sha256.hex(md);
  }

  @Override
  public String toString() {
    return "ImageSet["
        + size
        + " x "
        + channels
        + "x"
        + height
        + "x"
        + width
        + (labels == null ? ", unlabeled" : ", " + numClasses + " classes")
        + "]";
  }
}
