package org.hptstream.clients;

import java.util.HashMap;
import java.util.Map;
import org.hptstream.serde.AvroSerdeConfig;

/** Helpers for the shared client config map (Kafka settings plus schema registry / serde keys). */
public final class ClientConfigs {
  private ClientConfigs() {}

  /**
   * The map without the registry and serde keys, for Kafka clients that do not use our serde
   * (Admin, byte-array producers): spares them "supplied but isn't a known config" warnings.
   * Kafka's own settings (security, timeouts, ...) stay.
   */
  public static Map<String, Object> kafkaOnly(Map<String, ?> config) {
    Map<String, Object> out = new HashMap<>(config);
    out.keySet().removeIf(ClientConfigs::isRegistryOrSerdeKey);
    return out;
  }

  /** Whether a key configures the schema registry client or the Avro serde, not Kafka. */
  static boolean isRegistryOrSerdeKey(String key) {
    return key.startsWith("schema.registry.")
        || key.startsWith("basic.auth.") // RegistryConfig.CREDENTIALS_SOURCE, USER_INFO
        || key.equals(AvroSerdeConfig.AUTO_REGISTER)
        || key.equals(AvroSerdeConfig.SPECIFIC_READER)
        || key.equals(AvroSerdeConfig.USE_LATEST_VERSION);
  }
}
