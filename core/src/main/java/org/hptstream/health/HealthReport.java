package org.hptstream.health;

/**
 * Representation health of a feature matrix: whether an update collapsed the features.
 *
 * @param samples rows measured
 * @param dim feature dimensions
 * @param meanStd mean over dimensions of the per-dimension std across images
 * @param minStd the smallest per-dimension std
 * @param relativeStd {@code ||X - mean||_F / ||X||_F}: the share of the features' magnitude that
 *     varies from image to image; 0 when every image maps to the same point, at most 1. Scale-free,
 *     so comparable across checkpoints (post-ReLU pooled features sit well below 1: they share a
 *     large positive mean)
 * @param deadFraction share of dimensions whose raw std is below {@code 1e-5} of the features' RMS
 * @param effectiveRank exp of the entropy of the normalised singular values of the centered
 *     features (Roy and Vetterli 2007, RankMe): 1..min(samples, dim); 0 for constant features
 * @param collapsed whether {@link HealthConfig}'s thresholds flag this as a collapse
 */
public record HealthReport(
    int samples,
    int dim,
    double meanStd,
    double minStd,
    double relativeStd,
    double deadFraction,
    double effectiveRank,
    boolean collapsed) {

  /** Effective rank as a share of the largest rank the sample can show. */
  public double effectiveRankRatio() {
    return effectiveRank / Math.min(samples, dim);
  }
}
