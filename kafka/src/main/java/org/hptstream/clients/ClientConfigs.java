package org.hptstream.clients;

import java.util.HashMap;
import java.util.Map;

/** Helpers for the shared client config map (Kafka settings plus schema registry / serde keys). */
public final class ClientConfigs {
  private ClientConfigs() {}

  /**
   * The map without the registry and serde keys, for Kafka clients that do not use our serde
   * (Admin, byte-array producers): spares them "supplied but isn't a known config" warnings.
   */
  public static Map<String, Object> kafkaOnly(Map<String, ?> config) {
    Map<String, Object> out = new HashMap<>(config);
    out.keySet()
        .removeIf(
            k ->
                k.startsWith("schema.registry.")
                    || k.startsWith("basic.auth.")
                    || k.equals("auto.register.schemas")
                    || k.equals("specific.avro.reader")
                    || k.equals("use.latest.version"));
    return out;
  }
}
