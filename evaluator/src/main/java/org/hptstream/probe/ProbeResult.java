package org.hptstream.probe;

import java.util.List;
import org.hptstream.metrics.Summary;

/**
 * The outcome of a linear-probe sweep.
 *
 * @param numClasses classes of the classifier
 * @param trainSize rows the classifiers were trained on (after the validation hold-out)
 * @param valSize rows model selection used
 * @param testSize rows the reported numbers come from
 * @param learningRates the swept learning rates
 * @param valTop1 validation top-1 per rerun and learning rate, {@code [reruns][lrs]}
 * @param selectedLr the learning rate with the best mean validation top-1
 * @param top1 test top-1 accuracy (0..1) of the selected learning rate over reruns
 * @param top5 test top-5 accuracy over reruns, or {@code null} when there are 5 classes or fewer
 */
public record ProbeResult(
    int numClasses,
    int trainSize,
    int valSize,
    int testSize,
    List<Double> learningRates,
    double[][] valTop1,
    double selectedLr,
    Summary top1,
    Summary top5) {}
