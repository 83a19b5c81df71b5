package org.hptstream.probe;

import java.util.List;
import java.util.Map;
import org.hptstream.stats.Summary;

/**
 * The outcome of a linear-probe sweep.
 *
 * @param numClasses classes of the classifier
 * @param trainSize rows the classifiers were trained on (after the validation hold-out)
 * @param valSize rows model selection used
 * @param learningRates the swept learning rates
 * @param valTop1 validation top-1 per rerun and learning rate, {@code [reruns][lrs]}
 * @param selectedLr the learning rate with the best mean validation top-1
 * @param tests scores of the selected learning rate on each named test split, in the order given
 */
public record ProbeResult(
    int numClasses,
    int trainSize,
    int valSize,
    List<Double> learningRates,
    double[][] valTop1,
    double selectedLr,
    Map<String, TestScore> tests) {

  /**
   * The split name {@link LinearProbe#run(Features, Features, Features, int, long)} reports under.
   */
  public static final String TEST = "test";

  /**
   * Accuracy on one test split over the reruns.
   *
   * @param top5 {@code null} when there are 5 classes or fewer
   */
  public record TestScore(int size, Summary top1, Summary top5) {}

  /** Top-1 on the split named {@value #TEST}. */
  public Summary top1() {
    return tests.get(TEST).top1();
  }

  /** Top-5 on the split named {@value #TEST}, or null. */
  public Summary top5() {
    return tests.get(TEST).top5();
  }

  public int testSize() {
    return tests.get(TEST).size();
  }
}
