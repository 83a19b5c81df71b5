package org.hptstream.serde;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Serde settings, from the same keys as Confluent's Avro serde ({@code schema.registry.url} and the
 * other registry keys are read by {@link org.hptstream.registry.RegistryConfig}).
 *
 * @param autoRegister register the writer schema on first use; when false it must already exist
 * @param specificReader decode into generated SpecificRecord classes (when on the classpath)
 */
public record AvroSerdeConfig(boolean autoRegister, boolean specificReader) {
  public static final String AUTO_REGISTER = "auto.register.schemas";
  public static final String SPECIFIC_READER = "specific.avro.reader";
  public static final String USE_LATEST_VERSION = "use.latest.version";

  public static AvroSerdeConfig fromConfigs(Map<String, ?> configs) {
    if (bool(configs, USE_LATEST_VERSION, false)) {
      // Writing with the subject's latest schema instead of the record's own needs a field-by-name
      // re-mapping of the record; not implemented, so refuse rather than ignore the setting.
      throw new ConfigException(USE_LATEST_VERSION, true, "not supported by this serializer");
    }
    return new AvroSerdeConfig(
        bool(configs, AUTO_REGISTER, true), bool(configs, SPECIFIC_READER, false));
  }

  private static boolean bool(Map<String, ?> configs, String key, boolean dflt) {
    Object v = configs.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().trim();
    if (s.equalsIgnoreCase("true")) {
      return true;
    }
    if (s.equalsIgnoreCase("false")) {
      return false;
    }
    throw new ConfigException(key, v, "must be true or false");
  }
}
