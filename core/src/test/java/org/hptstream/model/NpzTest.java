package org.hptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hptstream.testkit.CraftedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** npz headers are checked against the limits and the bytes present before DJL allocates. */
class NpzTest {
  @TempDir Path tmp;

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(tmp.resolve(name), bytes);
  }

  @Test
  void aSmallFileDeclaringAHugeArrayIsRefusedBeforeDecoding() throws Exception {
    // 100,000 x 100,000 floats: 40 GB declared in a ~200-byte file.
    Path huge = write("huge.npz", CraftedFiles.npz("conv1.weight", "<f4", "100000, 100000", 0));
    assertThat(Files.size(huge)).isLessThan(1024);
    assertThatThrownBy(() -> TorchvisionWeights.read(huge, null))
        .isInstanceOf(WeightLoadException.class)
        .hasMessageContaining("huge.npz[conv1.weight.npy]: array of 40000000000 bytes")
        .hasMessageContaining("more than the limit");
    // Within the per-array limit but without the data: refused before DJL allocates 4 MB.
    Path empty = write("empty.npz", CraftedFiles.npz("conv1.weight", "<f4", "1000, 1000", 0));
    assertThatThrownBy(() -> TorchvisionWeights.read(empty, null))
        .hasMessageContaining("header declares 4000000 data bytes, entry holds 0");
    Path overflow =
        write("overflow.npz", CraftedFiles.npz("x", "<f4", "4611686018427387904, 4", 0));
    assertThatThrownBy(() -> TorchvisionWeights.read(overflow, null))
        .hasMessageContaining("overflows");
    Path notZip = write("not.npz", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    assertThatThrownBy(() -> TorchvisionWeights.read(notZip, null))
        .hasMessageContaining("not an npz file");
    Path small = write("small.npz", CraftedFiles.npz("x", "<f4", "1000, 1000", 4_000_000));
    assertThatThrownBy(() -> Npz.read(small, null, new NpzLimits(1 << 20, 1 << 30, 10)))
        .hasMessageContaining("array of 4000000 bytes, more than the limit of 1048576");
  }

  @Test
  void aWellFormedFileDecodes() throws Exception {
    Path ok = write("ok.npz", CraftedFiles.npz("x", "<f4", "2, 3", 24));
    try (NDManager m = NDManager.newBaseManager();
        NDList list = Npz.read(ok, m, NpzLimits.DEFAULT)) {
      assertThat(list.get("x").getShape().getShape()).containsExactly(2, 3);
    }
  }
}
