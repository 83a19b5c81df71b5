package org.hptstream.knn;

/**
 * kNN accuracy on the test split.
 *
 * @param k neighbours actually used (the configured k capped at the train size)
 * @param top1 test top-1 accuracy in [0, 1]
 * @param top5 test top-5 accuracy, or NaN when there are 5 classes or fewer
 */
public record KnnResult(
    int k, int numClasses, int trainSize, int testSize, double top1, double top5) {}
