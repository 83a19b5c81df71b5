package org.hptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.hptstream.schemas.DeadLetter;
import org.junit.jupiter.api.Test;

class DeadLetterBufferTest {
  private static final TopicPartition P0 = new TopicPartition("hpt.images.x", 0);
  private static final TopicPartition P1 = new TopicPartition("hpt.images.x", 1);

  @Test
  void theMarkComesBackFromTheCommittedOffsetAndItsMetadata() {
    DeadLetterBuffer b = new DeadLetterBuffer(10, 1 << 20);
    b.restore(P0, new OffsetAndMetadata(5, DeadLetterBuffer.metadata("job-1", 9)));
    b.restore(P1, new OffsetAndMetadata(7, "job-0")); // written before marks existed
    assertThat(b.isNew(P0, 8)).isFalse();
    assertThat(b.isNew(P0, 9)).isTrue();
    assertThat(b.isNew(P1, 6)).isFalse();
    assertThat(b.isNew(P1, 7)).isTrue();
    DeadLetterBuffer none = new DeadLetterBuffer(10, 1 << 20);
    none.restore(P0, null);
    assertThat(none.isNew(P0, 0)).isTrue();
    assertThat(DeadLetterBuffer.parse(null)).isZero();
    assertThat(DeadLetterBuffer.parse(DeadLetterBuffer.metadata(null, 42))).isEqualTo(42);
  }

  @Test
  void fullByCountOrBytesAndDrainedBySending() {
    DeadLetterBuffer byCount = new DeadLetterBuffer(2, 1 << 20);
    byCount.add(P0, 3, letter(3, 10));
    assertThat(byCount.full()).isFalse();
    byCount.add(P1, 4, letter(4, 10));
    assertThat(byCount.full()).isTrue();
    List<DeadLetterBuffer.Pending> letters = byCount.pending();
    // Committed at 2 (P0) with the letters: the mark passes the last letter sent.
    assertThat(byCount.markAfter(P0, letters, 2)).isEqualTo(4);
    assertThat(byCount.markAfter(P1, letters, 9)).isEqualTo(9);
    byCount.sent(letters);
    assertThat(byCount.isEmpty()).isTrue();
    assertThat(byCount.full()).isFalse();
    assertThat(byCount.oldest()).isNull();
    assertThat(byCount.isNew(P0, 3)).isFalse();
    assertThat(byCount.isNew(P1, 5)).isTrue();

    DeadLetterBuffer byBytes = new DeadLetterBuffer(1_000, 10_000);
    byBytes.add(P0, 0, letter(0, 9_000));
    assertThat(byBytes.full()).isFalse();
    byBytes.add(P0, 1, letter(1, 2_000));
    assertThat(byBytes.full()).isTrue();
  }

  private static DeadLetter letter(long offset, int valueBytes) {
    return new DeadLetter(
        P0.topic(),
        P0.partition(),
        offset,
        null,
        ByteBuffer.wrap(new byte[valueBytes]),
        "E",
        "bad",
        Instant.EPOCH);
  }
}
