package org.hptstream.registry;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Connection settings of a schema registry client, read from the same keys as Confluent's clients
 * so one Kafka client config map configures both.
 *
 * @param urls base URLs tried in order (for Apicurio: {@code http://host:8080/apis/ccompat/v7}),
 *     never with credentials in them (they are taken out when the config is read, so URLs can be
 *     shown in messages)
 * @param userInfo {@code user:password} for HTTP basic auth, or null for none; never shown
 * @param maxAttempts attempts per request on connection failure or HTTP 5xx (over all URLs)
 * @param initialBackoff wait before the second attempt; doubled for each further one
 * @param requestTimeout timeout of one HTTP request
 */
public record RegistryConfig(
    List<URI> urls,
    String userInfo,
    int maxAttempts,
    Duration initialBackoff,
    Duration requestTimeout) {

  /** Comma-separated base URLs of the registry. */
  public static final String URL = "schema.registry.url";

  /**
   * {@code USER_INFO} (credentials from {@link #USER_INFO}) or {@code URL} (from the URL's user
   * info).
   */
  public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";

  /** {@code user:password}. */
  public static final String USER_INFO = "basic.auth.user.info";

  /** Older prefixed spelling of {@link #USER_INFO} still accepted by Confluent clients. */
  public static final String USER_INFO_PREFIXED = "schema.registry.basic.auth.user.info";

  /** Attempts per request on connection failure or 5xx (default 6, about 3 s of backoff in all). */
  public static final String MAX_ATTEMPTS = "schema.registry.max.attempts";

  /** First retry backoff in milliseconds (default 100, doubling). */
  public static final String BACKOFF_MS = "schema.registry.retry.backoff.ms";

  /** One request's timeout in milliseconds (default 10000). */
  public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

  public RegistryConfig {
    if (urls == null || urls.isEmpty()) {
      throw new ConfigException(URL + " is required (e.g. http://localhost:8081)");
    }
    if (urls.stream().anyMatch(u -> u.getRawUserInfo() != null)) {
      throw new IllegalArgumentException(
          "registry URLs must not hold credentials: give them as userInfo");
    }
    urls = List.copyOf(urls);
    if (maxAttempts < 1) {
      throw new ConfigException(MAX_ATTEMPTS, maxAttempts, "must be at least 1");
    }
  }

  /** One URL, no credentials, default retries. */
  public static RegistryConfig of(String urls) {
    return fromConfigs(Map.of(URL, urls));
  }

  /** Reads the keys above from a Kafka-style config map (unknown keys are ignored). */
  public static RegistryConfig fromConfigs(Map<String, ?> configs) {
    Object raw = configs.get(URL);
    if (raw == null || raw.toString().isBlank()) {
      throw new ConfigException(URL + " is required (e.g. http://localhost:8081)");
    }
    List<URI> urls = new ArrayList<>();
    String urlUserInfo = null;
    for (String part : raw.toString().split(",")) {
      String u = part.trim();
      if (u.isEmpty()) {
        continue;
      }
      try {
        URI uri = URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        if (uri.getScheme() == null
            || uri.getHost() == null
            || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
          throw new IllegalArgumentException("not an http(s) URL");
        }
        if (uri.getRawUserInfo() != null) {
          urlUserInfo = urlUserInfo != null ? urlUserInfo : uri.getUserInfo();
          uri =
              new URI(
                  uri.getScheme(),
                  null,
                  uri.getHost(),
                  uri.getPort(),
                  uri.getPath(),
                  uri.getQuery(),
                  uri.getFragment());
        }
        urls.add(uri);
      } catch (IllegalArgumentException | java.net.URISyntaxException e) {
        // The value may hold credentials: show only what is before any '@'.
        throw new ConfigException(URL, redact(u), "not an http(s) URL");
      }
    }
    String source = string(configs, CREDENTIALS_SOURCE, "USER_INFO").toUpperCase();
    String userInfo;
    switch (source) {
      case "USER_INFO" -> {
        String ui = string(configs, USER_INFO, null);
        ui = ui != null ? ui : string(configs, USER_INFO_PREFIXED, null);
        // Credentials written into the URL are used rather than silently dropped.
        userInfo = ui != null ? ui : urlUserInfo;
      }
      case "URL" -> userInfo = urlUserInfo;
      default -> throw new ConfigException(CREDENTIALS_SOURCE, source, "supported: USER_INFO, URL");
    }
    if (userInfo != null && userInfo.isBlank()) {
      userInfo = null;
    }
    if (userInfo != null && !userInfo.contains(":")) {
      throw new ConfigException(USER_INFO, "(hidden)", "must be user:password");
    }
    return new RegistryConfig(
        urls,
        userInfo,
        Integer.parseInt(string(configs, MAX_ATTEMPTS, "6")),
        Duration.ofMillis(Long.parseLong(string(configs, BACKOFF_MS, "100"))),
        Duration.ofMillis(Long.parseLong(string(configs, REQUEST_TIMEOUT_MS, "10000"))));
  }

  /** A URL for a message: anything that could be credentials (before an '@') is hidden. */
  static String redact(String url) {
    int at = url.lastIndexOf('@');
    if (at < 0) {
      return url;
    }
    int scheme = url.indexOf("://");
    return (scheme >= 0 && scheme < at ? url.substring(0, scheme + 3) : "")
        + "(hidden)@"
        + url.substring(at + 1);
  }

  private static String string(Map<String, ?> configs, String key, String dflt) {
    Object v = configs.get(key);
    if (v == null) {
      return dflt;
    }
    // Kafka's Password type hides its value in toString().
    if (v instanceof org.apache.kafka.common.config.types.Password p) {
      return p.value();
    }
    return v.toString();
  }

  @Override
  public String toString() {
    return "RegistryConfig[urls=" + urls + ", auth=" + (userInfo == null ? "none" : "basic") + "]";
  }
}
