package org.hptstream.health;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.hptstream.features.Features;
import org.hptstream.testing.Fmnist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RepresentationHealthTest {
  static NDManager manager;
  static RepresentationHealth health;

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager();
    health = new RepresentationHealth(HealthConfig.defaults(), manager);
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  @Test
  void realFeaturesAreHealthy() {
    HealthReport r = health.measure(Fmnist.pixels(Fmnist.train().slice(0, 1000)), 1);
    assertThat(r.samples()).isEqualTo(1000);
    assertThat(r.dim()).isEqualTo(784);
    assertThat(r.collapsed()).isFalse();
    assertThat(r.effectiveRank()).isGreaterThan(20);
    assertThat(r.relativeStd()).isBetween(0.3, 1.0);
  }

  @Test
  void constantFeaturesAreFlaggedAsCollapsed() {
    HealthReport r = health.measure(Fmnist.constant(Fmnist.train().slice(0, 500), 64), 1);
    assertThat(r.collapsed()).isTrue();
    assertThat(r.effectiveRank()).isZero();
    assertThat(r.relativeStd()).isLessThan(1e-4);
    assertThat(r.deadFraction()).isEqualTo(1.0);
  }

  @Test
  void rankOneFeaturesHaveEffectiveRankOne() {
    // Every row a random multiple of one direction: a dimensional collapse to a line.
    int n = 300;
    int d = 32;
    Random rng = new Random(3);
    float[] dir = new float[d];
    for (int j = 0; j < d; j++) {
      dir[j] = (float) rng.nextGaussian();
    }
    float[] v = new float[n * d];
    for (int i = 0; i < n; i++) {
      float a = (float) rng.nextGaussian();
      for (int j = 0; j < d; j++) {
        v[i * d + j] = a * dir[j];
      }
    }
    HealthReport r = health.measure(Features.of(v, n, d, null), 1);
    assertThat(r.effectiveRank()).isBetween(0.99, 1.05);
    assertThat(r.collapsed()).isTrue();
  }

  @Test
  void isotropicGaussianHasNearlyFullRank() {
    int n = 2000;
    int d = 16;
    Random rng = new Random(5);
    float[] v = new float[n * d];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rng.nextGaussian();
    }
    HealthReport r = health.measure(Features.of(v, n, d, null), 1);
    assertThat(r.effectiveRank()).isGreaterThan(15.5);
    assertThat(r.effectiveRankRatio()).isGreaterThan(0.97);
    assertThat(r.relativeStd()).isBetween(0.97, 1.0);
    assertThat(r.meanStd()).isBetween(0.95, 1.05);
  }

  @Test
  void subsamplesBeyondMaxSamples() {
    RepresentationHealth small = new RepresentationHealth(new HealthConfig(100, 0.1, 2), manager);
    HealthReport r = small.measure(Fmnist.pixels(Fmnist.train().slice(0, 400)), 1);
    assertThat(r.samples()).isEqualTo(100);
    assertThat(r.effectiveRank()).isLessThanOrEqualTo(100);
  }
}
