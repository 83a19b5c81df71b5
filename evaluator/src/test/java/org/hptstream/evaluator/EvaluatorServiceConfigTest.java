package org.hptstream.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hptstream.evaluation.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorServiceConfigTest {
  @TempDir Path tmp;

  @Test
  void theExampleFileReadsAsTheDefaults() throws Exception {
    EvaluatorServiceConfig c = EvaluatorServiceConfig.load(Path.of("evaluator.example.yaml"));
    EvaluatorServiceConfig d = EvaluatorServiceConfig.of(Path.of("ckpts"));
    assertThat(c.checkpointStore()).isEqualTo(Path.of("ckpts"));
    assertThat(c.parsedProtocols()).containsExactly(Protocol.LINEAR, Protocol.KNN, Protocol.HEALTH);
    assertThat(c).isEqualTo(d);
  }

  @Test
  void aTypoOrABadValueIsAnErrorNotADefault() throws Exception {
    Path f = tmp.resolve("e.yaml");
    Files.writeString(f, "checkpointStore: x\nthread: 2\n");
    assertThatThrownBy(() -> EvaluatorServiceConfig.load(f)).hasMessageContaining("thread");
    Files.writeString(f, "checkpointStore: x\nprotocols: [linear, nope]\n");
    assertThatThrownBy(() -> EvaluatorServiceConfig.load(f)).hasMessageContaining("nope");
    Files.writeString(f, "protocols: [linear]\n");
    assertThatThrownBy(() -> EvaluatorServiceConfig.load(f))
        .hasMessageContaining("checkpointStore is required");
  }
}
