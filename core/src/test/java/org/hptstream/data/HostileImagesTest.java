package org.hptstream.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hptstream.testkit.CraftedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files a few hundred bytes long whose headers declare gigabytes are refused from the header: the
 * thread allocates a few megabytes at most, never what the header declares.
 */
class HostileImagesTest {
  /** Far below any crafted claim here (each is 1.5 GB or more) and above a real small read. */
  private static final long ALLOCATION_BOUND = 32L << 20;

  @TempDir Path tmp;

  interface Read {
    void run() throws Exception;
  }

  /** Bytes this thread allocated on the heap while running {@code read}. */
  static long allocatedBy(Read read) {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    try {
      read.run();
    } catch (Exception e) {
      // the caller asserts the failure separately
    }
    return threads.getCurrentThreadAllocatedBytes() - before;
  }

  @Test
  void pngAndJpegDeclaring50000x50000AreRefusedBeforeDecoding() {
    for (byte[] crafted :
        new byte[][] {CraftedFiles.png(50_000, 50_000), CraftedFiles.jpeg(50_000, 50_000)}) {
      assertThat(crafted.length).isLessThan(1024);
      assertThatThrownBy(() -> ImageDecoder.decode(crafted, "crafted"))
          .isInstanceOf(InvalidImageDataException.class)
          .hasMessageContaining("crafted: image declares 50000x50000 pixels")
          .hasMessageContaining("refused before decoding");
      assertThat(allocatedBy(() -> ImageDecoder.decode(crafted, "crafted")))
          .isLessThan(ALLOCATION_BOUND);
    }
  }

  @Test
  void thePixelCapIsConfigurable() throws Exception {
    byte[] png = CraftedFiles.image(100, 80, "png");
    assertThat(ImageDecoder.decode(png, "ok", new ImageLimits(8_000)).width()).isEqualTo(100);
    assertThatThrownBy(() -> ImageDecoder.decode(png, "small-cap", new ImageLimits(7_999)))
        .isInstanceOf(InvalidImageDataException.class)
        .hasMessageContaining("100x80 pixels, more than the limit of 7999");
    assertThatThrownBy(() -> new ImageLimits(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void idxHeaderAloneAllocatesNothingItDeclares() throws Exception {
    for (boolean gzip : new boolean[] {false, true}) {
      // 2,000,000 images of 28x28: 1.5 GB promised, 16 bytes present.
      Path images = tmp.resolve("images-" + gzip);
      Files.write(images, CraftedFiles.idxImages(2_000_000, 28, 28, 0, gzip));
      assertThatThrownBy(() -> Idx.read(images, null))
          .isInstanceOf(InvalidImageDataException.class)
          .hasMessageContaining("truncated: header promises 1568000000 data bytes, file holds 0");
      assertThat(allocatedBy(() -> Idx.read(images, null))).isLessThan(ALLOCATION_BOUND);

      Path labels = tmp.resolve("labels-" + gzip);
      Files.write(labels, CraftedFiles.idxLabels(2_000_000_000, 10, gzip));
      assertThatThrownBy(() -> Idx.readLabels(labels))
          .isInstanceOf(InvalidImageDataException.class)
          .hasMessageContaining("file holds 10");
      assertThat(allocatedBy(() -> Idx.readLabels(labels))).isLessThan(ALLOCATION_BOUND);
    }
  }

  @Test
  void idxImagesBeyondThePixelCapAreRefusedFromTheHeader() throws Exception {
    Path images = tmp.resolve("huge-images");
    Files.write(images, CraftedFiles.idxImages(1, 50_000, 50_000, 0, true));
    assertThatThrownBy(() -> Idx.read(images, null))
        .isInstanceOf(InvalidImageDataException.class)
        .hasMessageContaining("image declares 50000x50000 pixels");
    Path small = tmp.resolve("small");
    Files.write(small, CraftedFiles.idxImages(2, 3, 4, 24, false));
    assertThat(Idx.read(small, null).size()).isEqualTo(2);
    assertThatThrownBy(() -> Idx.read(small, null, new ImageLimits(11)))
        .hasMessageContaining("4x3 pixels, more than the limit of 11");
  }
}
