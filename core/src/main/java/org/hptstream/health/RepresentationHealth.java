package org.hptstream.health;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.hptstream.features.Features;
import org.hptstream.features.Splits;

/**
 * Measures {@link HealthReport}s: per-dimension spread and effective rank of pooled features, cheap
 * enough for every checkpoint (one pass over cached features plus one eigendecomposition of a
 * {@code min(n, D)}-sized matrix).
 */
public final class RepresentationHealth {
  private final HealthConfig config;
  private final NDManager manager;

  public RepresentationHealth(HealthConfig config, NDManager manager) {
    this.config = Objects.requireNonNull(config, "config");
    this.manager = Objects.requireNonNull(manager, "manager");
  }

  /**
   * Measures {@code features} (labels are ignored); a subset of at most maxSamples rows, chosen by
   * {@code seed}.
   */
  public HealthReport measure(Features features, long seed) {
    if (features == null || features.size() < 2) {
      throw new IllegalArgumentException("health needs at least 2 feature rows");
    }
    Features f = features;
    if (f.size() > config.maxSamples()) {
      int[] perm = Splits.permutation(f.size(), new Random(seed));
      f = f.select(Arrays.copyOf(perm, config.maxSamples()));
    }
    int n = f.size();
    int d = f.dim();
    double relStd;
    double[] std;
    double[][] second;
    double scale;
    try (NDManager m = manager.newSubManager()) {
      NDArray x = f.toNDArray(m);
      scale = Math.sqrt(x.square().mean().getFloat());
      NDArray centered = x.sub(x.mean(new int[] {0}, true));
      std =
          centered
              .square()
              .mean(new int[] {0})
              .sqrt()
              .toType(DataType.FLOAT64, false)
              .toDoubleArray();
      relStd = scale == 0 ? 0 : Math.sqrt(centered.square().mean().getFloat()) / scale;
      // Singular values of the centered rows from the smaller of the two Gram matrices.
      NDArray gram =
          d <= n ? centered.transpose().matMul(centered) : centered.matMul(centered.transpose());
      second =
          toMatrix(gram.div(n).toType(DataType.FLOAT64, false).toDoubleArray(), Math.min(n, d));
    }
    double minStd = Arrays.stream(std).min().orElse(0);
    double floor = 1e-5 * scale;
    long dead = Arrays.stream(std).filter(s -> s <= floor).count();
    double rank = effectiveRank(second, scale);
    double meanStd = Arrays.stream(std).average().orElse(0);
    boolean collapsed = relStd < config.minRelativeStd() || rank < config.minEffectiveRank();
    return new HealthReport(n, d, meanStd, minStd, relStd, (double) dead / d, rank, collapsed);
  }

  private static double[][] toMatrix(double[] flat, int size) {
    double[][] out = new double[size][];
    for (int i = 0; i < size; i++) {
      out[i] = Arrays.copyOfRange(flat, i * size, (i + 1) * size);
    }
    return out;
  }

  /**
   * exp(entropy) of the singular values (sqrt of the Gram matrix's eigenvalues); 0 when they all
   * vanish next to {@code scale} (the features' RMS), i.e. when the centered features are rounding
   * noise.
   */
  static double effectiveRank(double[][] gram, double scale) {
    int size = gram.length;
    for (int i = 0; i < size; i++) {
      for (int j = i + 1; j < size; j++) {
        double v = (gram[i][j] + gram[j][i]) / 2; // float rounding breaks exact symmetry
        gram[i][j] = v;
        gram[j][i] = v;
      }
    }
    double[] eig =
        new EigenDecomposition(new Array2DRowRealMatrix(gram, false)).getRealEigenvalues();
    double[] sv = Arrays.stream(eig).map(v -> Math.sqrt(Math.max(v, 0))).toArray();
    double sum = Arrays.stream(sv).sum();
    double max = Arrays.stream(sv).max().orElse(0);
    if (sum <= 0 || max <= 1e-5 * scale) {
      return 0;
    }
    double h = 0;
    for (double s : sv) {
      double p = s / sum;
      if (p > 0) {
        h -= p * Math.log(p);
      }
    }
    return Math.exp(h);
  }
}
