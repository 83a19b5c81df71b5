package org.hptstream.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  @TempDir Path dir;

  @Test
  void readsRealFashionMnistTestSplit() throws IOException {
    ImageSet test = FashionMnist.test();
    assertThat(test.size()).isEqualTo(10_000);
    assertThat(test.channels()).isEqualTo(1);
    assertThat(test.height()).isEqualTo(28);
    assertThat(test.width()).isEqualTo(28);
    assertThat(test.numClasses()).isEqualTo(10);
    int[] counts = new int[10];
    for (int l : test.labels()) {
      counts[l]++;
    }
    assertThat(counts).containsOnly(1000); // Fashion-MNIST's test split is balanced
    ChannelStats stats = test.channelStats();
    assertThat(stats.mean()[0]).isBetween(0.27f, 0.30f);
    assertThat(stats.std()[0]).isBetween(0.33f, 0.37f);
  }

  @Test
  void readsPlainAndGzipAlike() throws IOException {
    byte[] px = new byte[2 * 3 * 4];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i * 10);
    }
    Path plain = write("a.idx", images(2, 3, 4, px), false);
    Path gz = write("b.idx", images(2, 3, 4, px), true);
    Path labels = write("l.idx", labels(new byte[] {7, 1}), true);
    ImageSet a = Idx.read(plain, labels);
    ImageSet b = Idx.read(gz, null);
    assertThat(a.pixels()).isEqualTo(px);
    assertThat(b.pixels()).isEqualTo(px);
    assertThat(a.labels()).containsExactly(7, 1);
    assertThat(b.hasLabels()).isFalse();
    assertThat(a.height()).isEqualTo(3);
    assertThat(a.width()).isEqualTo(4);
  }

  @Test
  void writeThenReadRoundTrips() throws IOException {
    ImageSet some = FashionMnist.test().select(new int[] {5, 3, 9000});
    Idx.write(some, dir.resolve("i.gz"), dir.resolve("l.gz"));
    ImageSet back = Idx.read(dir.resolve("i.gz"), dir.resolve("l.gz"));
    assertThat(back.pixels()).isEqualTo(some.pixels());
    assertThat(back.labels()).containsExactly(some.labels());
  }

  @Test
  void refusesTruncatedAndMismatchedFiles() throws IOException {
    byte[] full = images(2, 3, 4, new byte[24]);
    Path truncated = write("t.idx", Arrays.copyOf(full, full.length - 5), true);
    assertThatThrownBy(() -> Idx.read(truncated, null))
        .isInstanceOf(InvalidImageDataException.class)
        .hasMessageContaining("truncated");
    Path ok = write("ok.idx", full, false);
    Path threeLabels = write("l.idx", labels(new byte[] {1, 2, 3}), false);
    assertThatThrownBy(() -> Idx.read(ok, threeLabels))
        .isInstanceOf(InvalidImageDataException.class)
        .hasMessageContaining("3 labels but")
        .hasMessageContaining("2 images");
    assertThatThrownBy(() -> Idx.read(threeLabels, null))
        .isInstanceOf(InvalidImageDataException.class)
        .hasMessageContaining("expected a 3-d IDX array");
    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "hello world, not idx");
    assertThatThrownBy(() -> ImageSets.load(text, null))
        .isInstanceOf(InvalidImageDataException.class)
        .hasMessageContaining("neither an IDX image file nor a folder");
  }

  private Path write(String name, byte[] content, boolean gzip) throws IOException {
    Path p = dir.resolve(name);
    if (gzip) {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
        gz.write(content);
      }
      content = bos.toByteArray();
    }
    Files.write(p, content);
    return p;
  }

  static byte[] images(int n, int h, int w, byte[] px) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bos);
    out.writeInt(0x00000803);
    out.writeInt(n);
    out.writeInt(h);
    out.writeInt(w);
    out.write(px);
    return bos.toByteArray();
  }

  static byte[] labels(byte[] l) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bos);
    out.writeInt(0x00000801);
    out.writeInt(l.length);
    out.write(l);
    return bos.toByteArray();
  }
}
