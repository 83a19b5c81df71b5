package org.hptstream.stats;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** A protocol's settings as a flat, JSON-ready map for result provenance. */
public final class Parameters {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Parameters() {}

  /** Every component of a config record, in declaration order, as Jackson would write it. */
  public static Map<String, Object> of(Record config) {
    return new LinkedHashMap<>(
        JSON.convertValue(config, new TypeReference<LinkedHashMap<String, Object>>() {}));
  }
}
