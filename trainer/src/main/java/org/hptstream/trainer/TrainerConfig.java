package org.hptstream.trainer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hptstream.data.ImageLimits;
import org.hptstream.topics.DomainNames;

/**
 * The trainer service's configuration (YAML, or flags of {@code hpt trainer}); every field has a
 * default.
 *
 * @param groupId the consumer group: instances of one group split the domains between them
 * @param instanceId this instance's stable, unique name: its static group membership and its
 *     transactional id {@code <groupId>-<instanceId>}, so a restarted instance takes its partitions
 *     back at once and fences its own zombie (default: host name)
 * @param checkpoints the checkpoint store directory, shared by every instance and the evaluator
 * @param baseCheckpoint checkpoint id that parent {@code base} names (e.g. an imported base), or
 *     null
 * @param maxConcurrentJobs jobs in progress at once (one per domain at most); their training steps
 *     take turns, as DJL allows one gradient collector per process: to train domains in parallel,
 *     run more instances
 * @param maxImagePixels largest {@code width x height} accepted, checked before decoding
 * @param device {@code cpu} or {@code gpu}, null for the engine's default
 * @param httpPort port of {@code /health} and {@code /metrics}; 0 picks a free one, -1 none
 * @param metadataRefreshMs how soon a new domain's topic is noticed
 * @param domainPattern regular expression of the domains this service trains (default all), e.g. a
 *     team's own on a shared cluster
 * @param defaults the policy of every domain without an override
 * @param domains per-domain overrides of {@code defaults}
 */
public record TrainerConfig(
    String groupId,
    String instanceId,
    Path checkpoints,
    String baseCheckpoint,
    Integer maxConcurrentJobs,
    Long maxImagePixels,
    String device,
    Integer httpPort,
    Long metadataRefreshMs,
    String domainPattern,
    DomainPolicy defaults,
    Map<String, DomainPolicy> domains) {

  /** Fills defaults and checks every policy. */
  public TrainerConfig {
    groupId = groupId == null ? "hpt-trainer" : groupId;
    instanceId = instanceId == null ? hostName() : instanceId;
    checkpoints = checkpoints == null ? Path.of("checkpoints") : checkpoints;
    maxConcurrentJobs = maxConcurrentJobs == null ? 1 : maxConcurrentJobs;
    maxImagePixels = maxImagePixels == null ? ImageLimits.DEFAULT.maxPixels() : maxImagePixels;
    httpPort = httpPort == null ? 8090 : httpPort;
    metadataRefreshMs = metadataRefreshMs == null ? 10_000L : metadataRefreshMs;
    domainPattern = domainPattern == null ? ".*" : domainPattern;
    java.util.regex.Pattern.compile(domainPattern); // fails early on a bad expression
    defaults = defaults == null ? DomainPolicy.builtIn() : defaults.over(DomainPolicy.builtIn());
    domains = domains == null ? Map.of() : Map.copyOf(domains);
    if (maxConcurrentJobs < 1) {
      throw new IllegalArgumentException("maxConcurrentJobs must be >= 1");
    }
    defaults.validate();
    for (var e : domains.entrySet()) {
      DomainNames.validate(e.getKey());
      e.getValue().over(defaults).validate();
    }
  }

  /** All defaults. */
  public static TrainerConfig defaultConfig() {
    return new TrainerConfig(
        null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** Reads a YAML file; unknown keys are errors (a typo must not silently fall back). */
  public static TrainerConfig load(Path yaml) throws IOException {
    ObjectMapper m =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    return m.readValue(yaml.toFile(), TrainerConfig.class);
  }

  /** The effective policy of {@code domain}. */
  public DomainPolicy policy(String domain) {
    DomainPolicy o = domains.get(domain);
    return o == null ? defaults : o.over(defaults);
  }

  /** The pixel cap as limits. */
  public ImageLimits imageLimits() {
    return new ImageLimits(maxImagePixels);
  }

  /** This config with {@code d} over the defaults (flags over the file). */
  public TrainerConfig withDefaults(DomainPolicy d) {
    return new TrainerConfig(
        groupId,
        instanceId,
        checkpoints,
        baseCheckpoint,
        maxConcurrentJobs,
        maxImagePixels,
        device,
        httpPort,
        metadataRefreshMs,
        domainPattern,
        d.over(defaults),
        new LinkedHashMap<>(domains));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
    } catch (IOException e) {
      return "local";
    }
  }
}
