package org.hptstream.serde;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.DeadLetter;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.schemas.PromotionDecision;
import org.hptstream.schemas.TrainingRequest;

/**
 * Coverage-guided fuzzing of the Confluent wire-format deserializer: framing, schema id and bounded
 * Avro decoding of every record type of the contract (the schema id picks the type). The one
 * documented failure is {@link SerializationException}; anything else thrown is a finding.
 *
 * <p>{@code mvn verify} replays the inputs under {@code WireFormatFuzzTestInputs/}; {@code
 * ops/bench/fuzz/run} fuzzes ({@code JAZZER_FUZZ=1}) and adds any crash found there.
 */
class WireFormatFuzzTest {
  private static final List<Schema> SCHEMAS =
      List.of(
          ImageBatch.getClassSchema(),
          CheckpointEvent.getClassSchema(),
          MetricEvent.getClassSchema(),
          TrainingRequest.getClassSchema(),
          PromotionDecision.getClassSchema(),
          DeadLetter.getClassSchema());

  private static final List<DatumReader<Object>> READERS =
      SCHEMAS.stream().map(s -> (DatumReader<Object>) new SpecificDatumReader<Object>(s)).toList();

  @FuzzTest(maxDuration = "30s")
  void deserialize(byte[] message) {
    try {
      AvroDeserializer.decode(
          "fuzz", message, id -> READERS.get(Math.floorMod(id, READERS.size())));
    } catch (SerializationException documented) {
      // a clean refusal
    }
  }
}
