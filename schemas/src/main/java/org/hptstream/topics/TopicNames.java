package org.hptstream.topics;

/**
 * The one naming convention of HPT Stream topics. Everything lives under the prefix {@code hpt.}:
 *
 * <ul>
 *   <li>{@code hpt.images.<domain>}: {@link org.hptstream.schemas.ImageBatch} values, keyed by
 *       domain; one topic per domain so a trainer reads only its domain;
 *   <li>{@code hpt.checkpoints}: {@link org.hptstream.schemas.CheckpointEvent}, keyed by domain;
 *   <li>{@code hpt.metrics}: {@link org.hptstream.schemas.MetricEvent}, keyed by checkpoint id;
 *   <li>{@code hpt.promotions}: {@link org.hptstream.schemas.PromotionDecision}, keyed by domain,
 *       compacted (the latest record of a domain names its promoted checkpoint);
 *   <li>{@code hpt.control.training-requests}: {@link org.hptstream.schemas.TrainingRequest}, keyed
 *       by domain;
 *   <li>{@code <topic>.dlq}: {@link org.hptstream.schemas.DeadLetter} for records of {@code
 *       <topic>} that could not be processed, keyed like the source.
 * </ul>
 *
 * Domain names are validated by {@link DomainNames}.
 */
public final class TopicNames {
  public static final String PREFIX = "hpt.";
  public static final String IMAGES_PREFIX = PREFIX + "images.";
  public static final String CHECKPOINTS = PREFIX + "checkpoints";
  public static final String METRICS = PREFIX + "metrics";
  public static final String PROMOTIONS = PREFIX + "promotions";
  public static final String TRAINING_REQUESTS = PREFIX + "control.training-requests";
  public static final String DEAD_LETTER_SUFFIX = ".dlq";

  private TopicNames() {}

  /** {@code hpt.images.<domain>}. */
  public static String images(String domain) {
    return IMAGES_PREFIX + DomainNames.validate(domain);
  }

  /** {@code <topic>.dlq}. */
  public static String deadLetter(String sourceTopic) {
    if (sourceTopic.endsWith(DEAD_LETTER_SUFFIX)) {
      throw new IllegalArgumentException(
          "no dead-letter topic of a dead-letter topic: " + sourceTopic);
    }
    return sourceTopic + DEAD_LETTER_SUFFIX;
  }

  /** The domain of an images topic, or null when {@code topic} is not one. */
  public static String domainOfImagesTopic(String topic) {
    if (!topic.startsWith(IMAGES_PREFIX) || topic.endsWith(DEAD_LETTER_SUFFIX)) {
      return null;
    }
    String domain = topic.substring(IMAGES_PREFIX.length());
    return DomainNames.isValid(domain) ? domain : null;
  }
}
