package org.hptstream.evaluator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hptstream.evaluation.EvaluationConfig;
import org.hptstream.evaluation.Protocol;

/**
 * The evaluator service's settings (YAML, every key optional but {@code checkpointStore}).
 *
 * @param checkpointStore the checkpoint store checkpoints are resolved in, by id
 * @param groupId consumer group: instances with the same group share the work
 * @param instanceId stable per instance (its transactional id): a restarted instance fences its
 *     killed predecessor's open transaction at once; two instances on one host need two ids
 * @param protocols protocols to run (linear, knn, health, semisup)
 * @param profile evaluation schedules, {@code cpu} or {@code paper}
 * @param probeSteps linear-probe steps, overriding the profile (null: the profile's)
 * @param knnK kNN neighbours (null: 200)
 * @param threads libtorch threads of this process (intra- and inter-op)
 * @param httpBind address of the HTTP endpoint (loopback by default)
 * @param httpPort port of the HTTP endpoint (0: any free one)
 * @param leaderboard run the leaderboard application and its page in this process
 * @param stateDir local state of the leaderboard (rebuilt from Kafka when lost)
 * @param featureCacheEntries feature matrices kept in memory (LRU)
 * @param growthCheckSeconds how often an idle evaluator checks whether a domain's labelled split
 *     grew (then re-evaluates its promoted checkpoint and its BASE)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record EvaluatorServiceConfig(
    Path checkpointStore,
    String groupId,
    String instanceId,
    List<String> protocols,
    String profile,
    Integer probeSteps,
    Integer knnK,
    Integer threads,
    String httpBind,
    Integer httpPort,
    Boolean leaderboard,
    Path stateDir,
    Integer featureCacheEntries,
    Integer growthCheckSeconds) {

  public EvaluatorServiceConfig {
    if (checkpointStore == null) {
      throw new IllegalArgumentException("checkpointStore is required");
    }
    groupId = groupId == null ? "hpt-evaluator" : groupId;
    instanceId = instanceId == null ? hostname() : instanceId;
    protocols = protocols == null ? List.of("linear", "knn", "health") : List.copyOf(protocols);
    profile = profile == null ? "cpu" : profile;
    threads = threads == null ? 1 : threads;
    httpBind = httpBind == null ? "127.0.0.1" : httpBind;
    httpPort = httpPort == null ? 8090 : httpPort;
    leaderboard = leaderboard == null || leaderboard;
    stateDir = stateDir == null ? checkpointStore.resolve(".leaderboard-state") : stateDir;
    featureCacheEntries = featureCacheEntries == null ? 32 : featureCacheEntries;
    growthCheckSeconds = growthCheckSeconds == null ? 30 : growthCheckSeconds;
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1: " + threads);
    }
    protocols.forEach(Protocol::parse);
    if (protocols.stream().map(Protocol::parse).anyMatch(p -> p == Protocol.TRANSFER)) {
      throw new IllegalArgumentException(
          "the transfer protocol needs a second domain's test split: not offered by the service");
    }
    EvaluationConfig.profile(profile);
  }

  /** Defaults around a store. */
  public static EvaluatorServiceConfig of(Path checkpointStore) {
    return new EvaluatorServiceConfig(
        checkpointStore,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** Reads a YAML file; unknown keys are errors (a typo must not pass as a default). */
  public static EvaluatorServiceConfig load(Path file) throws IOException {
    ObjectMapper yaml =
        new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    try {
      return yaml.readValue(file.toFile(), EvaluatorServiceConfig.class);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      Throwable c = e.getCause();
      throw new IllegalArgumentException(
          file + ": " + (c instanceof IllegalArgumentException ? c.getMessage() : e.getMessage()),
          e);
    }
  }

  /** The protocols, parsed. */
  public List<Protocol> parsedProtocols() {
    return protocols.stream().map(Protocol::parse).distinct().toList();
  }

  /** The evaluation settings: the profile with the overrides. */
  public EvaluationConfig evaluation() {
    EvaluationConfig c = EvaluationConfig.profile(profile);
    if (probeSteps != null) {
      c = c.withProbe(c.probe().withSteps(probeSteps));
    }
    if (knnK != null) {
      c = c.withKnn(c.knn().withK(knnK));
    }
    return c;
  }

  public Duration growthCheck() {
    return Duration.ofSeconds(growthCheckSeconds);
  }

  public EvaluatorServiceConfig withHttpPort(int port) {
    return new EvaluatorServiceConfig(
        checkpointStore,
        groupId,
        instanceId,
        protocols,
        profile,
        probeSteps,
        knnK,
        threads,
        httpBind,
        port,
        leaderboard,
        stateDir,
        featureCacheEntries,
        growthCheckSeconds);
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
