package org.hptstream.semisup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.hptstream.testing.Fmnist;
import org.junit.jupiter.api.Test;

class LabelSamplerTest {
  @Test
  void thousandLabelsCoverEveryClassOfFashionMnist() {
    int[] labels = Fmnist.train().labels();
    int[] picked = LabelSampler.sample(labels, 10, 1000, 42);
    assertThat(picked).hasSize(1000);
    assertThat(Arrays.stream(picked).distinct().count()).isEqualTo(1000);
    boolean[] seen = new boolean[10];
    for (int i : picked) {
      seen[labels[i]] = true;
    }
    assertThat(seen).containsOnly(true);
    assertThat(LabelSampler.sample(labels, 10, 1000, 42)).containsExactly(picked);
    assertThat(LabelSampler.sample(labels, 10, 1000, 43)).isNotEqualTo(picked);
  }

  @Test
  void coversARareClassEvenWithFewLabels() {
    // 10,000 examples of class 0..8 and a single example of class 9: 10 labels must still find it.
    int[] labels = new int[9001];
    for (int i = 0; i < 9000; i++) {
      labels[i] = i % 9;
    }
    labels[9000] = 9;
    for (long seed = 0; seed < 20; seed++) {
      int[] picked = LabelSampler.sample(labels, 10, 10, seed);
      assertThat(Arrays.stream(picked).map(i -> labels[i]).sorted().toArray())
          .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }
  }

  @Test
  void impossibleRequestsAreRejected() {
    int[] labels = {0, 1, 1, 2};
    assertThatThrownBy(() -> LabelSampler.sample(labels, 3, 2, 1))
        .hasMessageContaining("cannot cover 3 classes");
    assertThatThrownBy(() -> LabelSampler.sample(labels, 3, 5, 1))
        .hasMessageContaining("pool of 4");
    assertThatThrownBy(() -> LabelSampler.sample(labels, 4, 4, 1))
        .hasMessageContaining("class 3 has no example");
    assertThatThrownBy(() -> LabelSampler.sample(labels, 2, 3, 1))
        .hasMessageContaining("out of range [0, 2)");
  }
}
