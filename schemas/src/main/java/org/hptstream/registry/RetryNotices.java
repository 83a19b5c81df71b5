package org.hptstream.registry;

/**
 * Where a {@link SchemaRegistryClient} says, in one short line each, that the registry stopped
 * answering and is being retried, and that it answers again. Retries are also logged at WARN; a
 * command-line tool, whose log shows only errors, gives one of these under the config key {@link
 * #CONFIG} (the {@code hpt} commands print the lines on stderr).
 */
@FunctionalInterface
public interface RetryNotices {
  /**
   * Config key whose value is a {@code RetryNotices} instance (not a string: it is set by code, in
   * the client config map that producers, consumers and serdes share).
   */
  String CONFIG = "schema.registry.retry.notices";

  /** Says nothing. */
  RetryNotices NONE = line -> {};

  /** One line, without a trailing newline; never holds credentials. */
  void notice(String line);

  /** The instance under {@link #CONFIG}, else {@link #NONE}. */
  static RetryNotices from(java.util.Map<String, ?> configs) {
    Object value = configs.get(CONFIG);
    if (value == null) {
      return NONE;
    }
    if (value instanceof RetryNotices notices) {
      return notices;
    }
    throw new org.apache.kafka.common.config.ConfigException(
        CONFIG, value.getClass().getName(), "must be a " + RetryNotices.class.getName());
  }
}
