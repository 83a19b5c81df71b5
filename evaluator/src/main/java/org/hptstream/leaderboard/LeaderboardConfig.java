package org.hptstream.leaderboard;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.hptstream.clients.ClientConfigs;

/**
 * How the leaderboard runs, apart from what it computes ({@link LeaderboardTopology}).
 *
 * @param applicationId Kafka Streams application id (consumer group, internal topic prefix)
 * @param stateDir where local state lives (rebuilt from the changelogs when missing)
 * @param commitInterval how often results are committed and forwarded: the page's latency
 */
public record LeaderboardConfig(String applicationId, Path stateDir, Duration commitInterval) {
  public static final String DEFAULT_APPLICATION_ID = "hpt-leaderboard";

  /** Defaults: application {@value #DEFAULT_APPLICATION_ID}, 1 s commits. */
  public static LeaderboardConfig defaults(Path stateDir) {
    return new LeaderboardConfig(DEFAULT_APPLICATION_ID, stateDir, Duration.ofSeconds(1));
  }

  /**
   * Streams properties: the client settings (TLS, SASL, registry keys pass through), exactly-once,
   * no record cache (every change goes out at the next commit), a bad record logged and skipped
   * rather than stopping the application.
   */
  public Properties properties(Map<String, Object> clientConfig) {
    Properties p = new Properties();
    p.putAll(ClientConfigs.kafkaOnly(clientConfig));
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1); // the broker's default
    return p;
  }
}
