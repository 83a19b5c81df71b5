package org.hptstream.tensor;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * The one reading of a {@code --device} / {@code device:} setting, shared by every command and
 * service. libtorch comes from the {@code pytorch-native-cpu} jar unless the user brings a CUDA
 * build, so "gpu" on a CPU libtorch must fail at once with a clear reason, not deep inside DJL.
 */
public final class Devices {
  private Devices() {}

  /**
   * {@code null} (the engine's default device) for {@code null}; otherwise {@code cpu}, {@code gpu}
   * or {@code gpu(N)} / {@code gpuN}, checked against the GPUs libtorch can see.
   *
   * @throws IllegalArgumentException for any other name, or a GPU libtorch does not see
   */
  public static Device parse(String name) {
    if (name == null) {
      return null;
    }
    String n = name.trim().toLowerCase(java.util.Locale.ROOT);
    if (!n.matches("cpu|gpu|gpu\\(?\\d+\\)?")) {
      throw new IllegalArgumentException(
          "--device " + name + ": expected cpu, gpu or gpu(N) (N = the CUDA device index)");
    }
    // Built here, not by Device.fromName: DJL does not parse "gpu(N)".
    String index = n.replaceAll("\\D", "");
    Device d =
        n.equals("cpu") ? Device.cpu() : Device.gpu(index.isEmpty() ? 0 : Integer.parseInt(index));
    if (d.isGpu()) {
      int gpus = Engine.getInstance().getGpuCount();
      if (d.getDeviceId() >= gpus) {
        throw new IllegalArgumentException(
            "--device "
                + name
                + ": libtorch sees "
                + (gpus == 0
                    ? "no CUDA GPU (a CPU libtorch is on the class path"
                    : gpus + " GPU(s) (")
                + "; see trainer/README.md, 'Training on a GPU')");
      }
    }
    return d;
  }
}
