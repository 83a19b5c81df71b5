package org.hptstream.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.hptstream.topics.DomainNames;
import org.junit.jupiter.api.Test;

/** The domain a pretrain job derives from its data follows the one name rule. */
class DomainOfDataTest {
  @Test
  void derivedDomainsAreValidNames() {
    assertThat(PretrainCommand.domainOf(Path.of("/data/_scans"))).isEqualTo("scans");
    assertThat(PretrainCommand.domainOf(Path.of("/data/X-Ray Site B/"))).isEqualTo("x-ray-site-b");
    assertThat(
            PretrainCommand.domainOf(
                Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")))
        .isEqualTo("fashion-mnist");
    assertThat(PretrainCommand.domainOf(Path.of("/data/___"))).isEqualTo("data");
    assertThat(PretrainCommand.domainOf(Path.of("/data/" + "a".repeat(100)))).hasSize(63);
    for (String name : new String[] {"_scans", "..hidden", "a..b", "Ünïcode", "x".repeat(99)}) {
      assertThat(DomainNames.isValid(PretrainCommand.domainOf(Path.of("/d", name))))
          .as(name)
          .isTrue();
    }
  }
}
