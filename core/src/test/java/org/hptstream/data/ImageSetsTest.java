package org.hptstream.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSetsTest {
  @TempDir Path dir;

  @Test
  void loadsFolderWithLabelsFromSubfolders() throws IOException {
    write("cats/a.png", rgb(6, 4, 0xff0000), "png");
    write("cats/b.jpg", rgb(6, 4, 0x00ff00), "jpg");
    write("dogs/c.png", grey(6, 4, 200), "png");
    Files.writeString(dir.resolve("dogs/README.txt"), "not an image, skipped by the loader");
    ImageSet set = ImageSets.load(dir, null, new ImageSets.FolderOptions(null, true));
    assertThat(set.size()).isEqualTo(3);
    assertThat(set.channels()).isEqualTo(3); // one RGB image makes the set RGB
    assertThat(set.width()).isEqualTo(6);
    assertThat(set.height()).isEqualTo(4);
    assertThat(set.labels()).containsExactly(0, 0, 1);
    byte[] first = set.image(0);
    assertThat(first[0] & 0xff).isEqualTo(255); // red plane of the red PNG
    assertThat(first[24] & 0xff).isEqualTo(0); // its green plane
    byte[] third = set.image(2);
    assertThat(third[0] & 0xff).isEqualTo(200);
    assertThat(third[24] & 0xff).isEqualTo(200); // grey expanded to every channel
  }

  @Test
  void mixedSizesNeedAResize() throws IOException {
    write("a.png", grey(6, 4, 1), "png");
    write("b.png", grey(8, 8, 2), "png");
    assertThatThrownBy(() -> ImageSets.load(dir, null))
        .isInstanceOf(InvalidImageDataException.class)
        .hasMessageContaining("give a size");
    ImageSet set = ImageSets.load(dir, null, new ImageSets.FolderOptions(5, false));
    assertThat(set.height()).isEqualTo(5);
    assertThat(set.channels()).isEqualTo(1);
  }

  @Test
  void decoderRejectsCorruptAndNonImages() throws IOException {
    byte[] png = encode(grey(16, 16, 90), "png");
    assertThat(ImageDecoder.decode(png, "ok.png").format()).isEqualTo(ImageFormat.PNG);
    assertThatThrownBy(() -> ImageDecoder.decode(Arrays.copyOf(png, png.length / 2), "cut.png"))
        .isInstanceOf(InvalidImageDataException.class)
        .hasMessageStartingWith("cut.png: corrupt PNG");
    byte[] jpg = encode(rgb(16, 16, 0x336699), "jpg");
    assertThatThrownBy(() -> ImageDecoder.decode(Arrays.copyOf(jpg, jpg.length - 40), "cut.jpg"))
        .isInstanceOf(InvalidImageDataException.class)
        .hasMessageContaining("corrupt JPEG");
    assertThatThrownBy(() -> ImageDecoder.decode("plain text".getBytes(), "x.png"))
        .isInstanceOf(InvalidImageDataException.class)
        .hasMessageContaining("not a PNG or JPEG");
  }

  @Test
  void batchesGoToTheDeviceAsUint8() throws IOException {
    ImageSet test = FashionMnist.test().slice(0, 5);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = test.toNDArray(m, new int[] {4, 0});
      assertThat(a.getShape().getShape()).containsExactly(2, 1, 28, 28);
      byte[] back = a.toByteArray();
      assertThat(Arrays.copyOfRange(back, 0, 784)).isEqualTo(test.image(4));
      assertThat(Arrays.copyOfRange(back, 784, 1568)).isEqualTo(test.image(0));
    }
    assertThat(test.contentHash()).isEqualTo(FashionMnist.test().slice(0, 5).contentHash());
    assertThat(test.contentHash()).isNotEqualTo(test.withoutLabels().contentHash());
  }

  private void write(String rel, BufferedImage img, String fmt) throws IOException {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, encode(img, fmt));
  }

  private static byte[] encode(BufferedImage img, String fmt) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    ImageIO.write(img, fmt, bos);
    return bos.toByteArray();
  }

  private static BufferedImage rgb(int w, int h, int color) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, color);
      }
    }
    return img;
  }

  private static BufferedImage grey(int w, int h, int v) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, v);
      }
    }
    return img;
  }
}
