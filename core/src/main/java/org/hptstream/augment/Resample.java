package org.hptstream.augment;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Builds per-image resampling matrices on the device. Cropping, resizing, flipping and blurring are
 * linear along each image axis, so a view is {@code Ry . X . Rx^T} with one batched matmul per
 * axis. The matrices are computed from a few per-image scalars with element-wise ops, so nothing
 * large crosses from the host to the device.
 */
public final class Resample {
  private Resample() {}

  /**
   * Antialiased bilinear (triangle filter) resampling matrices, as PIL and torchvision {@code
   * antialias=True} compute them: the filter widens by the scale factor when downsampling and
   * weights that fall outside the image are dropped and the row renormalised (edge clamp).
   *
   * @param offset crop start per image, in input pixels (may be fractional)
   * @param length crop length per image, in input pixels
   * @param flip 1 to reverse the output order (horizontal flip), 0 otherwise
   * @return float [B, out, in]
   */
  public static NDArray bilinear(
      NDManager m, Device device, float[] offset, float[] length, float[] flip, int out, int in) {
    int b = offset.length;
    NDArray off = vec(m, device, offset);
    NDArray len = vec(m, device, length);
    NDArray flp = vec(m, device, flip);
    NDArray i = m.arange(0f, out, 1f, DataType.FLOAT32, device).reshape(1, out, 1);
    // i' = i or out-1-i
    NDArray iEff = i.add(flp.mul(i.mul(-2).add(out - 1)));
    NDArray scale = len.div(out);
    NDArray center = off.add(iEff.add(0.5f).mul(scale)).sub(0.5f);
    NDArray support = scale.maximum(1f);
    NDArray j = m.arange(0f, in, 1f, DataType.FLOAT32, device).reshape(1, 1, in);
    NDArray w = j.sub(center).abs().div(support).neg().add(1f).maximum(0f);
    NDArray r = w.div(w.sum(new int[] {2}, true));
    if (r.getShape().get(0) != b)
      throw new IllegalStateException("bad resample shape " + r.getShape());
    return r;
  }

  /**
   * Per-image Gaussian blur of a float [B,C,S,S] batch as two depthwise 1-D convolutions with
   * reflect padding (torchvision's boundary rule); kernels truncated at {@code ceil(3 sigma)} and
   * normalised; images with sigma 0 get a unit impulse, i.e. stay exactly as they are.
   */
  public static NDArray blur(NDManager m, Device device, NDArray x, float[] sigma) {
    long[] sh = x.getShape().getShape();
    int b = (int) sh[0], c = (int) sh[1], s = (int) sh[2];
    int r = 0;
    for (float sg : sigma) if (sg > 0) r = Math.max(r, radius(sg, s));
    if (r == 0) return x;
    int k = 2 * r + 1;
    float[] taps = new float[b * c * k];
    for (int i = 0; i < b; i++) {
      float[] one = new float[k];
      if (sigma[i] > 0) {
        int ri = radius(sigma[i], s);
        double sum = 0;
        for (int d = -ri; d <= ri; d++)
          sum += Math.exp(-(double) d * d / (2.0 * sigma[i] * sigma[i]));
        for (int d = -ri; d <= ri; d++)
          one[r + d] = (float) (Math.exp(-(double) d * d / (2.0 * sigma[i] * sigma[i])) / sum);
      } else {
        one[r] = 1f;
      }
      for (int ch = 0; ch < c; ch++) System.arraycopy(one, 0, taps, (i * c + ch) * k, k);
    }
    NDArray kw = m.create(taps, new Shape(b * c, 1, 1, k)).toDevice(device, false);
    NDArray kh = kw.reshape(b * c, 1, k, 1);
    Shape one = new Shape(1, 1);
    Shape none = new Shape(0, 0);
    NDArray y = reflectPad(x.reshape(1, (long) b * c, s, s), r, 3);
    y =
        ai.djl.nn.convolutional.Conv2d.conv2d(y, kw, null, one, none, one, b * c)
            .singletonOrThrow();
    y = reflectPad(y, r, 2);
    y =
        ai.djl.nn.convolutional.Conv2d.conv2d(y, kh, null, one, none, one, b * c)
            .singletonOrThrow();
    return y.reshape(b, c, s, s);
  }

  private static int radius(float sigma, int size) {
    return Math.min((int) Math.ceil(3 * sigma), size - 1);
  }

  /** torch 'reflect' padding by {@code r} on both sides of {@code axis}. */
  private static NDArray reflectPad(NDArray y, int r, int axis) {
    long n = y.getShape().get(axis);
    NDArray left = y.get(ai.djl.ndarray.index.NDIndex.sliceAxis(axis, 1, r + 1)).flip(axis);
    NDArray right =
        y.get(ai.djl.ndarray.index.NDIndex.sliceAxis(axis, n - r - 1, n - 1)).flip(axis);
    return ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(left, y, right), axis);
  }

  /** A per-image scalar as [B,1,1]. */
  static NDArray vec(NDManager m, Device device, float[] v) {
    return m.create(v, new Shape(v.length, 1, 1)).toDevice(device, false);
  }
}
