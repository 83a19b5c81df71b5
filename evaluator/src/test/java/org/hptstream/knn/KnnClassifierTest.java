package org.hptstream.knn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import org.hptstream.features.Features;
import org.hptstream.testing.Fmnist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KnnClassifierTest {
  static NDManager manager;
  static Features train;
  static Features test;

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager();
    train = Fmnist.pixels(Fmnist.train().slice(0, 3000));
    test = Fmnist.pixels(Fmnist.test().slice(0, 500));
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  @Test
  void cosineKnnOnPixelsIsFarAboveChance() {
    KnnResult r =
        new KnnClassifier(KnnConfig.defaults().withK(20), manager).evaluate(train, test, 0);
    assertThat(r.k()).isEqualTo(20);
    assertThat(r.numClasses()).isEqualTo(10);
    // kNN on Fashion-MNIST pixels is ~80% with a few thousand references.
    assertThat(r.top1()).isGreaterThan(0.70);
    assertThat(r.top5()).isGreaterThan(r.top1());
  }

  @Test
  void nearestNeighbourOfATrainRowIsItself() {
    Features sub = train.select(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    KnnResult r = new KnnClassifier(new KnnConfig(1, 0.07, 3), manager).evaluate(train, sub, 0);
    assertThat(r.top1()).isEqualTo(1.0);
  }

  @Test
  void constantFeaturesScoreAtChance() {
    Features ct = Fmnist.constant(Fmnist.train().slice(0, 3000), 32);
    Features cs = Fmnist.constant(Fmnist.test().slice(0, 500), 32);
    KnnResult r = new KnnClassifier(KnnConfig.defaults(), manager).evaluate(ct, cs, 0);
    assertThat(r.top1()).isLessThanOrEqualTo(Fmnist.majorityShare(cs) + 1e-9);
  }

  @Test
  void kIsCappedAtTheTrainSize() {
    Features small = train.select(new int[] {0, 1, 2, 3, 4});
    KnnResult r = new KnnClassifier(KnnConfig.defaults(), manager).evaluate(small, test, 10);
    assertThat(r.k()).isEqualTo(5);
  }

  @Test
  void rejectsLabelsOutOfRangeAndMismatchedDims() {
    KnnClassifier knn = new KnnClassifier(KnnConfig.defaults(), manager);
    assertThatThrownBy(() -> knn.evaluate(train, test, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range [0, 5)");
    Features narrow = Features.of(new float[test.size() * 3], test.size(), 3, test.labels());
    assertThatThrownBy(() -> knn.evaluate(train, narrow, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("784 dims");
  }
}
