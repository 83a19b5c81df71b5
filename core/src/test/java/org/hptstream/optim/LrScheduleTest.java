package org.hptstream.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

  @Test
  void cosineGoesFromBaseToZeroPerStep() {
    LrSchedule s = LrSchedule.cosine(0.03, 1000);
    assertThat(s.lr(0)).isEqualTo(0.03);
    assertThat(s.lr(500)).isCloseTo(0.015, within(1e-12));
    assertThat(s.lr(250)).isCloseTo(0.03 * (1 + Math.cos(Math.PI / 4)) / 2, within(1e-12));
    assertThat(s.lr(1000)).isCloseTo(0.0, within(1e-15));
    assertThat(s.lr(5000)).isCloseTo(0.0, within(1e-15));
    assertThat(s.lr(999)).isGreaterThan(0).isLessThan(s.lr(998));
  }

  @Test
  void stepDecayAtThirds() {
    LrSchedule s = LrSchedule.thirds(3.0, 5000);
    assertThat(s.lr(0)).isEqualTo(3.0);
    assertThat(s.lr(1666)).isEqualTo(3.0);
    assertThat(s.lr(1667)).isCloseTo(0.3, within(1e-12));
    // milestones round(5000 / 3) = 1667 and round(10000 / 3) = 3333
    assertThat(s.lr(3332)).isCloseTo(0.3, within(1e-12));
    assertThat(s.lr(3333)).isCloseTo(0.03, within(1e-12));
    assertThat(s.lr(4999)).isCloseTo(0.03, within(1e-12));
  }

  @Test
  void linearScalingWithBatch() {
    assertThat(LrSchedule.linearScaling(0.03, 256)).isEqualTo(0.03);
    assertThat(LrSchedule.linearScaling(0.03, 64)).isCloseTo(0.0075, within(1e-15));
  }
}
