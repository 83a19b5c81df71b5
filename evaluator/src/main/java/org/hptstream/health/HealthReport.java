package org.hptstream.health;

/**
 * Representation health of a feature matrix: whether an update collapsed the features.
 *
 * @param samples rows measured
 * @param dim feature dimensions
 * @param normalizedStd mean over dimensions of the per-dimension std of the L2-normalised rows,
 *     times {@code sqrt(dim)}: about 1 for features spread over the sphere, 0 for a collapse to one
 *     point (the SimSiam collapse monitor, scaled so it does not depend on dim)
 * @param minStd the smallest per-dimension std of the raw features
 * @param deadFraction share of dimensions whose raw std is below {@code 1e-5} of the features' RMS
 * @param effectiveRank exp of the entropy of the normalised singular values of the centered
 *     features (Roy and Vetterli 2007, RankMe): 1..min(samples, dim); 0 for constant features
 * @param collapsed whether {@link HealthConfig}'s thresholds flag this as a collapse
 */
public record HealthReport(
    int samples, int dim, double normalizedStd, double minStd, double deadFraction, double effectiveRank, boolean collapsed) {

  /** Effective rank as a share of the largest rank the sample can show. */
  public double effectiveRankRatio() {
    return effectiveRank / Math.min(samples, dim);
  }
}
