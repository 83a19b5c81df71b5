package org.hptstream.augment;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Builds per-image resampling matrices on the device. Cropping, resizing, flipping and blurring are
 * linear along each image axis, so a view is {@code Ry . X . Rx^T} with one batched matmul per axis.
 * The matrices are computed from a few per-image scalars with element-wise ops, so nothing large
 * crosses from the host to the device.
 */
public final class Resample {
  private Resample() {}

  /**
   * Antialiased bilinear (triangle filter) resampling matrices, as PIL and torchvision
   * {@code antialias=True} compute them: the filter widens by the scale factor when downsampling and
   * weights that fall outside the image are dropped and the row renormalised (edge clamp).
   *
   * @param offset crop start per image, in input pixels (may be fractional)
   * @param length crop length per image, in input pixels
   * @param flip 1 to reverse the output order (horizontal flip), 0 otherwise
   * @return float [B, out, in]
   */
  public static NDArray bilinear(NDManager m, Device device, float[] offset, float[] length, float[] flip,
      int out, int in) {
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
    if (r.getShape().get(0) != b) throw new IllegalStateException("bad resample shape " + r.getShape());
    return r;
  }

  /**
   * Gaussian blur matrices with reflect padding (torchvision's boundary rule), kernel truncated at
   * {@code ceil(3 sigma)}; images with sigma 0 get the identity.
   *
   * @return float [B, n, n]
   */
  public static NDArray gaussian(NDManager m, Device device, float[] sigma, int n) {
    int b = sigma.length;
    float[] sig = new float[b];
    float[] radius = new float[b];
    float[] norm = new float[b];
    float[] on = new float[b];
    for (int k = 0; k < b; k++) {
      boolean blur = sigma[k] > 0;
      sig[k] = blur ? sigma[k] : 1f;
      int r = Math.min((int) Math.ceil(3 * sig[k]), n - 1);
      radius[k] = r;
      double s = 0;
      for (int d = -r; d <= r; d++) s += Math.exp(-(double) d * d / (2.0 * sig[k] * sig[k]));
      norm[k] = (float) s;
      on[k] = blur ? 1f : 0f;
    }
    NDArray sg = vec(m, device, sig);
    NDArray rad = vec(m, device, radius);
    NDArray nrm = vec(m, device, norm);
    NDArray onA = vec(m, device, on);
    NDArray i = m.arange(0f, n, 1f, DataType.FLOAT32, device).reshape(1, n, 1);
    NDArray j = m.arange(0f, n, 1f, DataType.FLOAT32, device).reshape(1, 1, n);
    NDArray twoVar = sg.square().mul(2f);
    // source position p maps to column j: p = j, p = -j (j >= 1), p = 2(n-1) - j (j <= n-2)
    NDArray g = kernel(j.sub(i), twoVar, rad)
        .add(kernel(j.neg().sub(i), twoVar, rad).mul(j.gte(1f).toType(DataType.FLOAT32, false)))
        .add(kernel(j.neg().sub(i).add(2f * (n - 1)), twoVar, rad)
            .mul(j.lte(n - 2f).toType(DataType.FLOAT32, false)))
        .div(nrm);
    NDArray eye = m.eye(n).toDevice(device, false).toType(DataType.FLOAT32, false).reshape(1, n, n);
    return g.mul(onA).add(eye.mul(onA.neg().add(1f)));
  }

  private static NDArray kernel(NDArray d, NDArray twoVar, NDArray radius) {
    NDArray inside = d.abs().lte(radius).toType(DataType.FLOAT32, false);
    return d.square().neg().div(twoVar).exp().mul(inside);
  }

  /** A per-image scalar as [B,1,1]. */
  static NDArray vec(NDManager m, Device device, float[] v) {
    return m.create(v, new Shape(v.length, 1, 1)).toDevice(device, false);
  }
}
