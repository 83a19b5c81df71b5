package org.hptstream.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class DevicesTest {
  @Test
  void readsCpuAndTheDefault() {
    assertThat(Devices.parse(null)).isNull();
    assertThat(Devices.parse("cpu")).isEqualTo(Device.cpu());
    assertThat(Devices.parse(" CPU ")).isEqualTo(Device.cpu());
  }

  @Test
  void refusesUnknownNamesWithTheAcceptedOnes() {
    assertThatThrownBy(() -> Devices.parse("tpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--device tpu: expected cpu, gpu or gpu(N) (N = the CUDA device index)");
  }

  @Test
  void aGpuLibtorchDoesNotSeeIsAOneLineError() {
    int gpus = Engine.getInstance().getGpuCount();
    assertThatThrownBy(() -> Devices.parse("gpu(" + gpus + ")"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("libtorch sees")
        .hasMessageContaining("Training on a GPU")
        .hasMessageNotContaining("\n");
    if (gpus > 0) {
      assertThat(Devices.parse("gpu").isGpu()).isTrue();
    } else {
      assertThatThrownBy(() -> Devices.parse("gpu")).hasMessageContaining("no CUDA GPU");
    }
  }
}
