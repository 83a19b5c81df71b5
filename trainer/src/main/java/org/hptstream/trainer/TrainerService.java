package org.hptstream.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.CheckpointManifest.JobInput;
import org.hptstream.checkpoint.CheckpointManifest.OffsetSpan;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.clients.ClientConfigs;
import org.hptstream.data.DecodedImage;
import org.hptstream.data.ImageLimits;
import org.hptstream.data.ImageSet;
import org.hptstream.data.InvalidImageDataException;
import org.hptstream.imagetopic.ImageRecords;
import org.hptstream.imagetopic.ImageTopicReader;
import org.hptstream.moco.NonFiniteLossException;
import org.hptstream.pretrain.JobCheckpoints;
import org.hptstream.pretrain.PretrainConfig;
import org.hptstream.pretrain.PretrainJob;
import org.hptstream.pretrain.StepReport;
import org.hptstream.pretrain.TrainingListener;
import org.hptstream.pretrain.events.CheckpointEvents;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.CheckpointKind;
import org.hptstream.schemas.Image;
import org.hptstream.schemas.ImageBatch;
import org.hptstream.schemas.OffsetRange;
import org.hptstream.schemas.PromotionDecision;
import org.hptstream.schemas.Split;
import org.hptstream.schemas.TrainingRequest;
import org.hptstream.serde.AvroDeserializer;
import org.hptstream.service.ServiceHttp;
import org.hptstream.strategy.Strategy;
import org.hptstream.tensor.Devices;
import org.hptstream.topics.TopicAdmin;
import org.hptstream.topics.TopicNames;
import org.hptstream.topics.TopicSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer service: one consumer group over {@code hpt.images.*} and the training-request topic.
 *
 * <p><b>Threads.</b> The poll thread only polls, decodes (pixel cap checked from the header) and
 * offers images to each domain's bounded {@link ImageSampler}; it never trains. Jobs run on their
 * own executor (one per domain at a time, {@code maxConcurrentJobs} at once). The poll thread keeps
 * polling while jobs train, so {@code max.poll.interval.ms} never expires during a long job.
 *
 * <p><b>Exactly once.</b> A job's input (the sample and the partition offset ranges it was drawn
 * from) is fixed when it starts and recorded in every checkpoint it writes; its id derives from
 * (domain, strategy, parent, steps, offsets). When it ends, its final checkpoint is durable (files
 * and directories fsync'd) before one short Kafka transaction publishes the checkpoint event, the
 * dead letters its input met, and the group's offsets (the input's end). So the group's committed
 * offsets say exactly which jobs were announced: on (re)assignment, a job in the store whose input
 * ends beyond them was not; its final checkpoint is announced then (same id, once), or, when only
 * periodic checkpoints exist, the job resumes from the latest on the same input rebuilt from the
 * log. No transaction is open while a job trains.
 *
 * <p><b>Samples.</b> On assignment each domain's partitions are re-read from the log's beginning
 * (the log is the durable store): the bottom-k sample is a function of the set of images read, so
 * it comes out identical after any restart. Records below the committed offsets were covered by an
 * announced job: they are sampled but not counted as new. Labelled evaluation splits never enter
 * training.
 *
 * <p><b>Dead letters and pause.</b> Unusable records go to the dead-letter topic within a second,
 * in a transaction with the group's offsets whose metadata marks how far letters were sent ({@link
 * DeadLetterBuffer}): once per group, across restarts. A domain whose letters cannot be sent fills
 * its bounded buffer ({@link ConsumptionLimits}) and its partitions are paused until they are.
 *
 * <p><b>Ownership.</b> {@link DomainAssignor} gives all partitions of a domain's topic to one
 * instance; a domain trains only where all of its partitions are held, so no two instances ever
 * train one domain, and instances of one group split the domains between them.
 */
public final class TrainerService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);
  private static final Duration POLL = Duration.ofMillis(200);

  /** Image topics of the configured domains, not their dead-letter topics. */
  static Pattern subscription(String domainPattern) {
    return Pattern.compile(
        Pattern.quote(TopicNames.IMAGES_PREFIX)
            + "(?!.*"
            + Pattern.quote(TopicNames.DEAD_LETTER_SUFFIX)
            + "$)(?=(?:"
            + domainPattern
            + ")$)[a-z0-9][a-z0-9._-]*");
  }

  /** Requests older than this are not acted on when the request log is read at start. */
  static final Duration REQUEST_MAX_AGE = Duration.ofHours(24);

  /** Promotion decisions: keyed by domain, compacted (the latest names the promoted checkpoint). */
  static final TopicSpec PROMOTIONS_TOPIC =
      new TopicSpec(TopicNames.PROMOTIONS, 1, Optional.empty(), Optional.empty(), 1 << 20, true);

  /** Held while a job trains: one gradient collector per process (DJL). */
  private static final java.util.concurrent.locks.ReentrantLock TRAINING =
      new java.util.concurrent.locks.ReentrantLock();

  /**
   * Collapse thresholds of core's health check, measured on up to 512 images of the job's sample:
   * enough to see a collapse, and the gate stays a small part of a job's time.
   */
  static final org.hptstream.health.HealthConfig GATE_HEALTH =
      new org.hptstream.health.HealthConfig(
          512,
          org.hptstream.health.HealthConfig.defaults().minRelativeStd(),
          org.hptstream.health.HealthConfig.defaults().minEffectiveRank());

  /**
   * A temp directory of the store untouched this long is a leftover of an interrupted write (not
   * one in progress, perhaps by another instance sharing the store).
   */
  static final Duration LEFTOVER_AGE = Duration.ofMinutes(10);

  /** Attempts of a failing job before the service gives up on its input. */
  static final int MAX_ATTEMPTS = 3;

  private final TrainerConfig config;
  private final Map<String, Object> clientConfig;
  private final LocalCheckpointStore store;
  private final ImageLimits limits;
  private final Device device;
  private final ExecutorService executor;
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();

  /** Periodic checkpoints written by job threads, to be announced by the poll thread. */
  private final ConcurrentLinkedQueue<Periodic> periodics = new ConcurrentLinkedQueue<>();

  private final CheckpointCollector collector;
  private final Map<String, DomainState> domains = new HashMap<>();

  /** The same states for job threads' metrics (the poll thread alone changes the map above). */
  private final Map<String, DomainState> domainsView = new ConcurrentHashMap<>();

  /** Unserved recent requests by domain, also of domains another instance owns now. */
  private final Map<String, Map<String, TrainingRequest>> requestsByDomain = new HashMap<>();

  private Consumer<byte[], byte[]> requestReader;
  private final Set<String> deadLetterTopics = new HashSet<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final ServiceHttp http;
  private final MeterRegistry meters;
  private final AtomicInteger jobsRunning = new AtomicInteger();
  private final Counter jobsFailed;
  private final Counter jobsDone;
  private final Timer stepTime;
  private final Counter partitionsPaused;
  private final AtomicLong assignments = new AtomicLong();
  private ConsumptionLimits consumption = ConsumptionLimits.defaults();
  private volatile Instant lastCheckpointAt;
  private volatile Instant lastPollAt = Instant.now();
  private volatile boolean running = true;
  private Consumer<byte[], byte[]> consumer;
  private CommitStep commits;
  private AvroDeserializer<ImageBatch> imageValues;
  private AvroDeserializer<TrainingRequest> requestValues;

  /**
   * @param config the service configuration
   * @param clientConfig Kafka client settings plus the schema registry keys
   * @throws IllegalArgumentException for a device that cannot be used
   * @throws IOException when the HTTP port cannot be bound
   */
  public TrainerService(TrainerConfig config, Map<String, Object> clientConfig) throws IOException {
    this.config = config;
    this.clientConfig = Map.copyOf(clientConfig);
    this.store = new LocalCheckpointStore(config.checkpoints(), FaultHooks::trace);
    this.collector = new CheckpointCollector(store);
    this.limits = config.imageLimits();
    this.device = Devices.parse(config.device());
    this.executor =
        Executors.newFixedThreadPool(
            config.maxConcurrentJobs(),
            r -> {
              Thread t = new Thread(r, "hpt-trainer-job");
              t.setDaemon(true);
              return t;
            });
    if (config.httpPort() >= 0) {
      http = new ServiceHttp(new InetSocketAddress(config.httpPort()), this::health);
      meters = http.registry();
    } else {
      http = null;
      meters = new SimpleMeterRegistry();
    }
    jobsFailed = Counter.builder("hpt_trainer_jobs_failed").register(meters);
    jobsDone = Counter.builder("hpt_trainer_jobs_announced").register(meters);
    stepTime = Timer.builder("hpt_trainer_step").register(meters);
    partitionsPaused = Counter.builder("hpt_trainer_partitions_paused").register(meters);
    Gauge.builder("hpt_trainer_assignments", assignments, AtomicLong::get).register(meters);
    Gauge.builder("hpt_trainer_jobs_running", jobsRunning, AtomicInteger::get).register(meters);
    Gauge.builder(
            "hpt_trainer_last_checkpoint_age_seconds",
            this,
            s ->
                s.lastCheckpointAt == null
                    ? Double.NaN
                    : Duration.between(s.lastCheckpointAt, Instant.now()).toMillis() / 1000.0)
        .register(meters);
  }

  /**
   * Bounds other than {@link ConsumptionLimits#defaults()}; call before {@link #run()}.
   *
   * @return this service
   */
  public TrainerService withConsumptionLimits(ConsumptionLimits limits) {
    this.consumption = limits;
    return this;
  }

  /** The bound HTTP port, or -1 without HTTP. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** Runs the poll loop on the calling thread until {@link #stop()}. */
  public void run() {
    if (http != null) {
      http.start();
      LOG.info("http: /health and /metrics on port {}", http.port());
    }
    String where = device != null ? device.toString() : Engine.getInstance().defaultDevice() + "";
    LOG.info(
        "trainer {} of group {} starts: checkpoints in {}, training on {}, {} job(s) at once",
        config.instanceId(),
        config.groupId(),
        store.root(),
        where,
        config.maxConcurrentJobs());
    SchemaRegistryClient registry = SchemaRegistryClient.fromConfigs(clientConfig);
    imageValues = AvroDeserializer.specific(registry, ImageBatch.class);
    imageValues.configure(clientConfig, false);
    requestValues = AvroDeserializer.specific(registry, TrainingRequest.class);
    requestValues.configure(clientConfig, false);
    store.collectLeftovers(LEFTOVER_AGE);
    try (Admin admin = Admin.create(ClientConfigs.kafkaOnly(clientConfig))) {
      new TopicAdmin(admin).ensure(CheckpointEvents.TOPIC);
      new TopicAdmin(admin).ensure(PROMOTIONS_TOPIC);
    }
    try {
      commits =
          new TransactionalCommitStep(clientConfig, config.groupId() + "-" + config.instanceId());
      consumer =
          new KafkaConsumer<>(
              consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      consumer.subscribe(subscription(config.domainPattern()), new Rebalance());
      requestReader = requestReader();
      while (running) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(POLL);
        } catch (WakeupException e) {
          continue;
        }
        lastPollAt = Instant.now();
        for (ConsumerRecord<byte[], byte[]> rec : records) {
          try {
            onImages(rec);
          } catch (RuntimeException e) {
            // A service never dies on one record.
            LOG.error("record {}-{}@{} skipped", rec.topic(), rec.partition(), rec.offset(), e);
          }
        }
        for (ConsumerRecord<byte[], byte[]> rec : requestReader.poll(Duration.ZERO)) {
          try {
            onRequest(rec);
          } catch (RuntimeException e) {
            LOG.error("request {}@{} skipped", rec.partition(), rec.offset(), e);
          }
        }
        afterPoll();
      }
    } finally {
      shutdown();
      stopped.countDown();
    }
  }

  /**
   * Asks the service to stop: running jobs finish their step and checkpoint, finished ones are
   * announced, the consumer leaves the group. Returns at once; {@link #awaitStopped} waits.
   */
  public void stop() {
    running = false;
    Consumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  /** Waits until {@link #run()} returned. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    stop();
  }

  private Map<String, Object> consumerConfig() {
    Map<String, Object> c = new HashMap<>(ClientConfigs.kafkaOnly(clientConfig));
    c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    // Static membership: a restarted instance takes its partitions back at once instead of
    // waiting out its killed predecessor's session, and fences that predecessor if it lives on.
    c.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, DomainAssignor.class.getName());
    c.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
    c.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG, config.metadataRefreshMs().intValue());
    c.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    return c;
  }

  // ---------------------------------------------------------------- records

  private void onImages(ConsumerRecord<byte[], byte[]> rec) {
    String domain = TopicNames.domainOfImagesTopic(rec.topic());
    DomainState d = domain == null ? null : domains.get(domain);
    if (d == null) {
      return;
    }
    TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
    long committed = d.committed(tp);
    Decoded decoded;
    try {
      decoded = decode(imageValues, rec, limits);
    } catch (Exception e) {
      if (d.deadLetters.isNew(tp, rec.offset())) {
        // Sent in a transaction with the group's offsets (their metadata marks it): once per group.
        try {
          ensureDeadLetterTopic(rec.topic()); // before any transaction names it
        } catch (KafkaException topicFailed) {
          LOG.warn("{}: {} (tried again before sending)", rec.topic(), topicFailed.getMessage());
        }
        d.deadLetters.add(tp, rec.offset(), ImageRecords.deadLetter(rec, e));
        LOG.warn(
            "{}-{}@{} cannot be used ({}): dead-lettered",
            rec.topic(),
            rec.partition(),
            rec.offset(),
            e.getMessage());
      }
      return;
    }
    if (decoded.split != Split.UNLABELED) {
      // TRAIN/VAL/TEST are for evaluation (the gate's kNN): never trained on.
      ImageSampler eval = decoded.split == Split.TRAIN ? d.labelledTrain : d.labelledTest;
      for (int i = 0; i < decoded.ids.size(); i++) {
        if (decoded.labels.get(i) != null) {
          eval.offer(decoded.ids.get(i), decoded.images.get(i), decoded.labels.get(i));
        }
      }
      return;
    }
    for (int i = 0; i < decoded.ids.size(); i++) {
      d.sampler.offer(decoded.ids.get(i), decoded.images.get(i));
    }
    if (rec.offset() >= Math.max(committed, d.inputEnd.getOrDefault(tp, 0L))) {
      if (d.newImages == 0 && d.since == null) {
        d.since = Instant.now();
      }
      d.newImages += decoded.ids.size();
      d.consumed.increment(decoded.ids.size());
    }
  }

  /** A decodable record's images with their split and labels. */
  private record Decoded(
      Split split, List<String> ids, List<DecodedImage> images, List<Integer> labels) {}

  private static Decoded decode(
      AvroDeserializer<ImageBatch> values, ConsumerRecord<byte[], byte[]> rec, ImageLimits limits)
      throws InvalidImageDataException {
    ImageBatch batch = values.deserialize(rec.topic(), rec.value());
    if (batch == null) {
      throw new IllegalArgumentException("empty record value");
    }
    List<DecodedImage> images = ImageRecords.decodeAll(batch, limits);
    List<String> ids = batch.getImages().stream().map(Image::getId).toList();
    List<Integer> labels = batch.getImages().stream().map(Image::getLabel).toList();
    return new Decoded(batch.getSplit(), ids, images, labels);
  }

  private void ensureDeadLetterTopic(String source) {
    if (deadLetterTopics.contains(source)) {
      return;
    }
    try (Admin admin = Admin.create(ClientConfigs.kafkaOnly(clientConfig))) {
      TopicAdmin topics = new TopicAdmin(admin);
      topics.ensure(TopicSpec.deadLetter(source, topics.maxMessageBytes(source)));
    }
    deadLetterTopics.add(source);
  }

  /**
   * Every instance reads the whole request log (no group): the instance that owns the request's
   * domain, now or after a rebalance, serves it; a request is served once (its id is recorded in
   * the job's checkpoints).
   */
  private Consumer<byte[], byte[]> requestReader() {
    Map<String, Object> c = new HashMap<>(ClientConfigs.kafkaOnly(clientConfig));
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Consumer<byte[], byte[]> r =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try (Admin admin = Admin.create(ClientConfigs.kafkaOnly(clientConfig))) {
      new TopicAdmin(admin).ensure(TopicSpec.events(TopicNames.TRAINING_REQUESTS));
    }
    List<TopicPartition> parts =
        r.partitionsFor(TopicNames.TRAINING_REQUESTS, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    r.assign(parts);
    // From the oldest request still worth acting on.
    Map<TopicPartition, Long> since = new HashMap<>();
    long from = Instant.now().minus(REQUEST_MAX_AGE).toEpochMilli();
    parts.forEach(tp -> since.put(tp, from));
    r.offsetsForTimes(since)
        .forEach(
            (tp, o) -> {
              if (o == null) {
                r.seekToEnd(List.of(tp));
              } else {
                r.seek(tp, o.offset());
              }
            });
    return r;
  }

  private void onRequest(ConsumerRecord<byte[], byte[]> rec) {
    TrainingRequest r;
    try {
      r = requestValues.deserialize(rec.topic(), rec.value());
      if (r == null) {
        throw new IllegalArgumentException("empty record value");
      }
    } catch (RuntimeException e) {
      LOG.warn("training request @{} unreadable, skipped: {}", rec.offset(), e.getMessage());
      return;
    }
    if (!Pattern.matches(config.domainPattern(), r.getDomain())) {
      return; // another service's domain
    }
    String requestId =
        r.getRequestId() != null
            ? r.getRequestId()
            : "request-" + rec.partition() + "-" + rec.offset();
    r.setRequestId(requestId);
    requestsByDomain.computeIfAbsent(r.getDomain(), k -> new LinkedHashMap<>()).put(requestId, r);
    boundUnservedRequests();
    DomainState d = domains.get(r.getDomain());
    if (d != null) {
      queueRequests(d);
    }
  }

  /**
   * Keeps at most {@code maxUnservedRequests} held requests that no owned domain's queue took
   * (requests of domains another instance owns wait here in case this one takes them over), none
   * older than {@link #REQUEST_MAX_AGE}: the oldest go first, each with a warning.
   */
  private void boundUnservedRequests() {
    Instant tooOld = Instant.now().minus(REQUEST_MAX_AGE);
    int held = 0;
    for (Map<String, TrainingRequest> rs : requestsByDomain.values()) {
      rs.values()
          .removeIf(
              r -> {
                boolean old = r.getRequestedAt() != null && r.getRequestedAt().isBefore(tooOld);
                if (old) {
                  LOG.warn("training request {} expired unserved", r.getRequestId());
                }
                return old;
              });
      held += rs.size();
    }
    for (; held > consumption.maxUnservedRequests(); held--) {
      Map<String, TrainingRequest> oldest = null;
      for (Map<String, TrainingRequest> rs : requestsByDomain.values()) {
        if (!rs.isEmpty()
            && (oldest == null
                || requestedAt(rs.values().iterator().next())
                    .isBefore(requestedAt(oldest.values().iterator().next())))) {
          oldest = rs;
        }
      }
      String id = oldest.keySet().iterator().next();
      oldest.remove(id);
      LOG.warn(
          "training request {} dropped: more than {} requests wait unserved",
          id,
          consumption.maxUnservedRequests());
    }
    requestsByDomain.values().removeIf(Map::isEmpty);
  }

  private static Instant requestedAt(TrainingRequest r) {
    return r.getRequestedAt() == null ? Instant.MIN : r.getRequestedAt();
  }

  /** Moves the domain's unserved requests to its queue (on arrival, or when it is assigned). */
  private void queueRequests(DomainState d) {
    Map<String, TrainingRequest> rs = requestsByDomain.get(d.domain);
    if (rs == null) {
      return;
    }
    for (TrainingRequest r : rs.values()) {
      if (served(d.domain, r.getRequestId())) {
        LOG.info("training request {} was served already", r.getRequestId());
        continue;
      }
      d.requests.add(new PendingRequest(r.getRequestId(), r));
      if (d.requests.size() > consumption.maxUnservedRequests()) {
        LOG.warn(
            "training request {} dropped: more than {} requests of domain {} wait",
            d.requests.poll().requestId,
            consumption.maxUnservedRequests(),
            d.domain);
      }
      LOG.info(
          "training request {}: domain {}, {} from {}",
          r.getRequestId(),
          r.getDomain(),
          r.getStrategy(),
          r.getParentCheckpoint() == null ? "the policy's parent" : r.getParentCheckpoint());
    }
    rs.clear();
  }

  /** True when a job of this request wrote a checkpoint: it was served, or recovery serves it. */
  private boolean served(String domain, String requestId) {
    return store.list().stream()
        .anyMatch(
            m ->
                m.domain().equals(domain)
                    && job(m) != null
                    && requestId.equals(job(m).requestId()));
  }

  // ---------------------------------------------------------------- between polls

  private void afterPoll() {
    announcePeriodic();
    drainOutcomes();
    Instant now = Instant.now();
    for (DomainState d : domains.values()) {
      try {
        checkRebuilt(d);
        serveDeadLetters(d, now);
        if (d.pendingCommit != null && !now.isBefore(d.retryAt)) {
          commit(d, d.pendingCommit);
        }
        if (d.future == null && d.pendingCommit == null) {
          maybeStart(d, now);
        }
        d.rebuiltView = d.rebuilt;
        d.sampleView = d.sampler.size();
        d.trainingView = d.future != null;
        d.pausedView = d.paused;
        d.deadLettersView = d.deadLetters.size();
        d.partitionsView = d.parts.size();
        d.offeredView = d.sampler.offered();
        long lag = 0;
        for (TopicPartition tp : d.parts.keySet()) {
          lag += consumer.currentLag(tp).orElse(0);
        }
        d.lag = lag;
      } catch (RuntimeException e) {
        LOG.error("domain {}: {}", d.domain, e.getMessage(), e);
      }
    }
  }

  /**
   * Sends the domain's dead letters in a short transaction of their own, with the group's offsets
   * unchanged but their metadata carrying the new mark, so no re-read sends them again; and pauses
   * the domain's partitions while its buffer is full (e.g. the dead-letter topic refuses them),
   * resuming them once the letters are out: nothing is lost and memory stays bounded.
   */
  private void serveDeadLetters(DomainState d, Instant now) {
    DeadLetterBuffer b = d.deadLetters;
    if (b.full() && !d.paused) {
      consumer.pause(d.parts.keySet());
      d.paused = true;
      partitionsPaused.increment();
      LOG.warn(
          "domain {}: {} dead letter(s) wait to be sent; its partitions are paused",
          d.domain,
          b.size());
    }
    boolean due =
        !b.isEmpty() && (b.full() || !now.isBefore(b.oldest().plus(consumption.deadLetterFlush())));
    if (due && !now.isBefore(d.deadLetterRetryAt)) {
      Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
      d.parts.forEach((tp, p) -> offsets.put(tp, new OffsetAndMetadata(p[1])));
      List<ProducerRecord<String, SpecificRecord>> records = new ArrayList<>();
      List<DeadLetterBuffer.Pending> letters = deadLetters(d, offsets, null, records);
      try {
        // Again here: where the record was met, a failure only logged; the letter is kept.
        letters.stream().map(l -> l.tp().topic()).distinct().forEach(this::ensureDeadLetterTopic);
        commits.commit(records, offsets, consumer.groupMetadata());
        b.sent(letters);
        LOG.info("domain {}: {} dead letter(s) sent", d.domain, letters.size());
      } catch (KafkaException e) {
        d.deadLetterRetryAt = now.plus(Duration.ofSeconds(5));
        LOG.warn(
            "domain {}: sending {} dead letter(s) failed ({}); trying again in 5 s",
            d.domain,
            letters.size(),
            e.toString());
      }
    }
    if (d.paused && b.isEmpty()) {
      consumer.resume(d.parts.keySet());
      d.paused = false;
      LOG.info("domain {}: dead letters sent; its partitions resume", d.domain);
    }
  }

  private void checkRebuilt(DomainState d) {
    if (d.rebuilt) {
      return;
    }
    for (Map.Entry<TopicPartition, long[]> e : d.parts.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()[2]) {
        return;
      }
    }
    d.rebuilt = true;
    d.rebuildMs = (System.nanoTime() - d.assignedAt) / 1_000_000;
    LOG.info(
        "domain {}: sample rebuilt from the log in {} ms: {} images read, {} kept",
        d.domain,
        d.rebuildMs,
        d.sampler.offered(),
        d.sampler.size());
  }

  private void drainOutcomes() {
    Outcome o;
    while ((o = outcomes.poll()) != null) {
      jobsRunning.decrementAndGet();
      DomainState d = domains.get(o.spec().domain());
      if (d == null || d.future == null || !d.runningJobId.equals(o.spec().jobId())) {
        LOG.info(
            "job {} ended after its domain moved to another instance; the new owner announces or"
                + " resumes it",
            o.spec().jobId());
        continue;
      }
      d.future = null;
      d.job = null;
      if (o instanceof Finished f) {
        d.pendingCommit = f;
        announcePeriodic(); // the job's periodic events go before its final one
        commit(d, f);
      } else if (o instanceof Stopped s) {
        LOG.info("job {} stopped; it resumes from its checkpoint", s.spec.jobId());
      } else if (o instanceof Failed f) {
        jobsFailed.increment();
        d.failures++;
        // A non-finite loss comes back on the same input: give up at once; others get retries.
        boolean diverged = f.error instanceof NonFiniteLossException;
        if (diverged || d.failures >= MAX_ATTEMPTS) {
          LOG.error(
              "job {} failed ({} attempt(s)), giving up on its input: {}",
              f.spec.jobId(),
              d.failures,
              f.error.toString(),
              f.error);
          giveUp(d, f);
        } else {
          Duration backoff = Duration.ofSeconds(10L << (d.failures - 1));
          d.retryAt = Instant.now().plus(backoff);
          d.recovered = f.spec; // the same job, same input
          LOG.error(
              "job {} failed (attempt {}; next in {} s): {}",
              f.spec.jobId(),
              d.failures,
              backoff.toSeconds(),
              f.error.toString(),
              f.error);
        }
      }
    }
  }

  private void maybeStart(DomainState d, Instant now) {
    if (!d.complete || now.isBefore(d.retryAt)) {
      return;
    }
    if (d.recovered != null) {
      JobSpec spec = d.recovered;
      d.recovered = null;
      start(d, spec);
      return;
    }
    if (!d.rebuilt) {
      return;
    }
    PendingRequest req = d.requests.peek();
    Instant since = d.lastJobAt != null ? d.lastJobAt : d.since;
    if (req == null && !d.policy.trigger().shouldTrigger(d.newImages, since, now)) {
      return;
    }
    if (jobsRunning.get() >= config.maxConcurrentJobs()) {
      return;
    }
    Strategy strategy = d.policy.strategyValue();
    String parentSpec = d.policy.parent();
    long steps = d.policy.steps();
    String requestId = req == null ? null : req.requestId;
    PretrainConfig c;
    String parentId;
    try {
      if (req != null) {
        TrainingRequest r = req.request;
        strategy = Strategy.parse(r.getStrategy().name());
        parentSpec = r.getParentCheckpoint() != null ? r.getParentCheckpoint() : parentSpec;
        steps = r.getSteps() > 0 ? r.getSteps() : steps;
      }
      if (strategy == Strategy.BASE) {
        throw new IllegalArgumentException("strategy base trains nothing");
      }
      c = d.policy.pretrainConfig(steps);
      parentId = strategy.needsParent() ? resolveParent(d, parentSpec) : null;
    } catch (RuntimeException e) {
      LOG.error("domain {}: cannot start a job: {}", d.domain, e.getMessage());
      if (req != null) {
        d.requests.poll();
        dropRequest(d, requestId);
      } else {
        d.retryAt = now.plus(Duration.ofMinutes(1));
      }
      return;
    }
    if (d.sampler.size() < c.batchSize()) {
      if (req != null) {
        LOG.warn(
            "training request {}: domain {} has {} images, fewer than one batch: skipped",
            requestId,
            d.domain,
            d.sampler.size());
        d.requests.poll();
        dropRequest(d, requestId);
      }
      return;
    }
    List<OffsetSpan> ranges = new ArrayList<>();
    for (Map.Entry<TopicPartition, long[]> e : d.parts.entrySet()) {
      TopicPartition tp = e.getKey();
      ranges.add(
          new OffsetSpan(tp.topic(), tp.partition(), e.getValue()[0], consumer.position(tp)));
    }
    ranges.sort(java.util.Comparator.comparingInt(OffsetSpan::partition));
    String jobId = JobSpec.jobId(d.domain, strategy, parentId, steps, ranges);
    ImageSet sample = d.sampler.snapshot(c.imageSize());
    JobInput input = new JobInput(jobId, ranges, d.sampler.digest(), requestId);
    if (req != null) {
      d.requests.poll();
    }
    d.newImages = 0;
    d.since = null;
    for (OffsetSpan r : ranges) {
      d.inputEnd.put(new TopicPartition(r.topic(), r.partition()), r.end());
    }
    start(d, new JobSpec(d.domain, strategy, parentId, c, input, sample));
  }

  private String resolveParent(DomainState d, String parent) {
    String id =
        switch (parent) {
          case "base" -> config.baseCheckpoint();
          case "latest" -> d.promoted != null ? d.promoted : config.baseCheckpoint();
          case "none" -> null;
          default -> parent;
        };
    if (id == null) {
      throw new IllegalArgumentException(
          "parent '" + parent + "' names no checkpoint: configure baseCheckpoint");
    }
    // By id through the store, never a path from a message: the id pattern refuses separators.
    if (store.manifest(id).isEmpty()) {
      throw new IllegalArgumentException("parent checkpoint " + id + " is not in " + store.root());
    }
    return id;
  }

  private void start(DomainState d, JobSpec spec) {
    PretrainJob job = new PretrainJob().withStore(store);
    job.addListener(new JobListener(spec));
    d.job = job;
    d.runningJobId = spec.jobId();
    d.runningParent = spec.parentId();
    d.lastJobAt = Instant.now();
    jobsRunning.incrementAndGet();
    LOG.info(
        "job {} starts: domain {}, {} from {}, {} steps, input {}{}",
        spec.jobId(),
        spec.domain(),
        spec.strategy().cliName(),
        spec.parentId() == null ? "random init" : spec.parentId(),
        spec.config().steps(),
        spec.input().ranges(),
        spec.sample() == null ? " (resumed: sample rebuilt from the log)" : "");
    DomainPolicy policy = d.policy;
    ImageSet train = labelled(d.labelledTrain, spec.config().imageSize());
    ImageSet test = labelled(d.labelledTest, spec.config().imageSize());
    d.future = executor.submit(() -> outcomes.add(runJob(spec, job, policy, train, test)));
  }

  private static ImageSet labelled(ImageSampler s, int size) {
    if (s.size() < 2) {
      return null;
    }
    ImageSet set = s.snapshot(size);
    return set.hasLabels() ? set : null;
  }

  /** On a job thread: trains (or finds the job's final checkpoint), then the gate rules. */
  private Outcome runJob(
      JobSpec spec, PretrainJob job, DomainPolicy policy, ImageSet train, ImageSet test) {
    long t0 = System.nanoTime();
    try {
      org.hptstream.tensor.GradMode.offOnThisThread();
      ImageSet data = spec.sample() != null ? spec.sample() : rebuildSample(spec, policy);
      Path parentDir = spec.parentId() == null ? null : store.root().resolve(spec.parentId());
      PretrainJob.Result r;
      // DJL allows one gradient collector per process: jobs of one process train in turn.
      TRAINING.lockInterruptibly();
      try {
        r = train(job, spec, data, parentDir);
      } finally {
        TRAINING.unlock();
      }
      if (r.steps() < spec.config().steps()) {
        return new Stopped(spec);
      }
      CheckpointManifest m =
          store
              .manifest(r.id())
              .orElseThrow(() -> new IllegalStateException("checkpoint " + r.id() + " vanished"));
      PromotionGate.Decision decision =
          new PromotionGate(
                  new PromotionGate.Config(
                      policy.knnTolerance(),
                      org.hptstream.knn.KnnConfig.defaults(),
                      GATE_HEALTH,
                      256))
              .judge(store, m, spec.parentId(), new PromotionGate.Evidence(data, train, test));
      LOG.info(
          "job {}: checkpoint {} {} by the gate: {}",
          spec.jobId(),
          m.id(),
          decision.promoted() ? "promoted" : "REJECTED",
          decision.reason());
      FaultHooks.at("after-checkpoint-write");
      return new Finished(spec, m, (System.nanoTime() - t0) / 1_000_000, decision);
    } catch (Throwable e) {
      return new Failed(spec, e);
    }
  }

  private PretrainJob.Result train(PretrainJob job, JobSpec spec, ImageSet data, Path parentDir) {
    return job.run(
        new PretrainJob.Request(
            spec.strategy(),
            parentDir,
            data,
            spec.domain(),
            "kafka " + spec.input().ranges() + " sample " + spec.input().sampleSha256(),
            store.root(),
            spec.config(),
            true,
            device,
            spec.input()));
  }

  /** The sample of a resumed job, rebuilt from its recorded offset ranges. */
  private ImageSet rebuildSample(JobSpec spec, DomainPolicy policy) throws InterruptedException {
    long t0 = System.nanoTime();
    ImageSampler sampler = new ImageSampler(policy.sampleSize(), policy.seed());
    SchemaRegistryClient registry = SchemaRegistryClient.fromConfigs(clientConfig);
    AvroDeserializer<ImageBatch> values = AvroDeserializer.specific(registry, ImageBatch.class);
    values.configure(clientConfig, false);
    Map<TopicPartition, long[]> ranges = new HashMap<>();
    for (OffsetSpan r : spec.input().ranges()) {
      ranges.put(new TopicPartition(r.topic(), r.partition()), new long[] {r.start(), r.end()});
    }
    new ImageTopicReader(clientConfig, limits)
        .scan(
            ranges,
            Duration.ofMinutes(30),
            rec -> {
              try {
                Decoded dec = decode(values, rec, limits);
                if (dec.split == Split.UNLABELED) {
                  for (int i = 0; i < dec.ids.size(); i++) {
                    sampler.offer(dec.ids.get(i), dec.images.get(i));
                  }
                }
              } catch (Exception e) {
                // dead-lettered by the poll thread
              }
            });
    String digest = sampler.digest();
    LOG.info(
        "job {}: sample rebuilt from {} in {} ms ({} images){}",
        spec.jobId(),
        spec.input().ranges(),
        (System.nanoTime() - t0) / 1_000_000,
        sampler.size(),
        digest.equals(spec.input().sampleSha256())
            ? ", identical to the recorded one"
            : ": DIFFERS from the recorded one (retention deleted part of the input?)");
    return sampler.snapshot(spec.config().imageSize());
  }

  /** The one transaction that announces a finished job; on the poll thread. */
  private void commit(DomainState d, Finished f) {
    JobSpec spec = f.spec;
    CheckpointManifest m = f.manifest;
    List<OffsetRange> provenance = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
    Map<TopicPartition, Long> ends = new HashMap<>();
    for (OffsetSpan r : spec.input().ranges()) {
      provenance.add(new OffsetRange(r.topic(), r.partition(), r.start(), r.end()));
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      ends.put(tp, r.end());
      offsets.put(tp, new OffsetAndMetadata(r.end()));
    }
    CheckpointEvent event = event(spec, m, provenance, f.wallMs, CheckpointKind.FINAL);
    List<ProducerRecord<String, SpecificRecord>> records = new ArrayList<>();
    records.add(new ProducerRecord<>(TopicNames.CHECKPOINTS, spec.domain(), event));
    String promoted = f.decision.promoted() ? m.id() : d.promoted;
    PromotionDecision decision =
        PromotionDecision.newBuilder()
            .setDomain(spec.domain())
            .setCheckpointId(m.id())
            .setParentId(m.parentId())
            .setJobId(spec.jobId())
            .setPromoted(f.decision.promoted())
            .setReason(f.decision.reason())
            .setPromotedCheckpointId(promoted)
            .setChecks(new HashMap<>(f.decision.checks()))
            .setDecidedAt(Instant.now())
            .build();
    records.add(new ProducerRecord<>(TopicNames.PROMOTIONS, spec.domain(), decision));
    List<DeadLetterBuffer.Pending> letters = deadLetters(d, offsets, spec.jobId(), records);
    try {
      commits.commit(records, offsets, consumer.groupMetadata());
    } catch (KafkaException e) {
      d.retryAt = Instant.now().plus(Duration.ofSeconds(5));
      LOG.warn("announcing job {} failed ({}); trying again", spec.jobId(), e.toString());
      return;
    }
    FaultHooks.trace("announce " + m.id());
    ends.forEach((tp, end) -> d.parts.get(tp)[1] = Math.max(d.parts.get(tp)[1], end));
    d.deadLetters.sent(letters);
    d.pendingCommit = null;
    d.failures = 0;
    d.promoted = promoted;
    lastCheckpointAt = Instant.now();
    jobsDone.increment();
    LOG.info(
        "job {} done: checkpoint {} announced ({} steps, loss {}, {} dead letter(s), offsets {})",
        spec.jobId(),
        m.id(),
        m.steps(),
        m.finalLoss(),
        letters.size(),
        ends);
    FaultHooks.at("after-commit");
    collectFinished(d);
  }

  private CheckpointEvent event(
      JobSpec spec,
      CheckpointManifest m,
      List<OffsetRange> provenance,
      long wallMs,
      CheckpointKind kind) {
    return CheckpointEvent.newBuilder(
            CheckpointEvents.of(m, store.root().resolve(m.id()), provenance, wallMs))
        .setJobId(spec.jobId())
        .setKind(kind)
        .setRequestId(spec.input().requestId())
        .build();
  }

  /**
   * Announces the periodic checkpoints job threads wrote, each in a short transaction of its own
   * (no offsets: they move only with a job's final event); on the poll thread, never while a
   * transaction is open across training. At most once: a checkpoint is handed to one transaction,
   * once, by the process that wrote it; one that was not announced (a crash, a failed transaction)
   * stays unannounced, and a restart never announces periodic checkpoints it did not write.
   */
  private void announcePeriodic() {
    Periodic p;
    while ((p = periodics.poll()) != null) {
      try {
        Optional<CheckpointManifest> m = store.manifest(p.checkpointId());
        if (m.isEmpty()) {
          continue; // collected already
        }
        List<OffsetRange> provenance = new ArrayList<>();
        for (OffsetSpan r : p.spec().input().ranges()) {
          provenance.add(new OffsetRange(r.topic(), r.partition(), r.start(), r.end()));
        }
        CheckpointEvent e =
            event(p.spec(), m.get(), provenance, p.wallMs(), CheckpointKind.PERIODIC);
        commits.commit(
            List.of(new ProducerRecord<>(TopicNames.CHECKPOINTS, p.spec().domain(), e)),
            Map.of(),
            consumer.groupMetadata());
        FaultHooks.trace("announce " + m.get().id());
        LOG.info(
            "job {}: periodic checkpoint {} announced (step {})",
            p.spec().jobId(),
            m.get().id(),
            m.get().steps());
      } catch (RuntimeException e) {
        LOG.warn(
            "job {}: periodic checkpoint {} not announced (it stays a resume point): {}",
            p.spec().jobId(),
            p.checkpointId(),
            e.toString());
      }
    }
  }

  /**
   * Deletes the periodic checkpoints of this domain's jobs whose input the group's offsets have
   * passed (announced or given up: no instance resumes them), sparing the promoted checkpoint and
   * the parents of jobs in progress; then leftovers of interrupted writes.
   */
  private void collectFinished(DomainState d) {
    try {
      Set<String> protect = new HashSet<>();
      if (d.promoted != null) {
        protect.add(d.promoted);
      }
      for (DomainState o : domains.values()) {
        if (o.future != null && o.runningParent != null) {
          protect.add(o.runningParent);
        }
      }
      collector.collect(in -> coversOnly(d, in) && committedAll(d, in), protect);
      store.collectLeftovers(LEFTOVER_AGE);
    } catch (RuntimeException e) {
      LOG.warn("domain {}: collecting old checkpoints failed: {}", d.domain, e.toString());
    }
  }

  /**
   * Adds the domain's pending dead letters to {@code records} and writes into each offset's
   * metadata how far the partition's letters are sent once the transaction commits; returns them.
   */
  private static List<DeadLetterBuffer.Pending> deadLetters(
      DomainState d,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      String jobId,
      List<ProducerRecord<String, SpecificRecord>> records) {
    List<DeadLetterBuffer.Pending> letters = d.deadLetters.pending();
    for (DeadLetterBuffer.Pending l : letters) {
      records.add(
          new ProducerRecord<>(TopicNames.deadLetter(l.tp().topic()), d.domain, l.letter()));
    }
    offsets.replaceAll(
        (tp, o) ->
            new OffsetAndMetadata(
                o.offset(),
                DeadLetterBuffer.metadata(
                    jobId, d.deadLetters.markAfter(tp, letters, o.offset()))));
    return letters;
  }

  /**
   * Publishes the failed job's rejection (the reason, in a promotion decision) and moves the
   * offsets past its input in one transaction, so the job is not tried again and again; the
   * domain's promoted checkpoint stays.
   */
  private void giveUp(DomainState d, Failed f) {
    JobSpec spec = f.spec;
    String last =
        store.list().stream()
            .filter(m -> job(m) != null && spec.jobId().equals(job(m).jobId()))
            .max(java.util.Comparator.comparingLong(CheckpointManifest::steps))
            .map(CheckpointManifest::id)
            .orElse(spec.jobId());
    PromotionDecision decision =
        PromotionDecision.newBuilder()
            .setDomain(spec.domain())
            .setCheckpointId(last)
            .setParentId(spec.parentId())
            .setJobId(spec.jobId())
            .setPromoted(false)
            .setReason(
                (f.error instanceof NonFiniteLossException ? "non-finite loss: " : "job failed: ")
                    + f.error.getMessage())
            .setPromotedCheckpointId(d.promoted)
            .setDecidedAt(Instant.now())
            .build();
    Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
    Map<TopicPartition, Long> ends = new HashMap<>();
    for (OffsetSpan r : spec.input().ranges()) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      offsets.put(tp, new OffsetAndMetadata(r.end()));
      ends.put(tp, r.end());
    }
    List<ProducerRecord<String, SpecificRecord>> records = new ArrayList<>();
    records.add(new ProducerRecord<>(TopicNames.PROMOTIONS, spec.domain(), decision));
    List<DeadLetterBuffer.Pending> letters = deadLetters(d, offsets, spec.jobId(), records);
    try {
      commits.commit(records, offsets, consumer.groupMetadata());
      FaultHooks.trace("announce-failure " + spec.jobId());
      d.deadLetters.sent(letters);
      ends.forEach((tp, end) -> d.parts.get(tp)[1] = Math.max(d.parts.get(tp)[1], end));
      d.failures = 0;
      collectFinished(d);
    } catch (KafkaException e) {
      // Not recorded: the job runs again after a pause and fails the same way.
      d.retryAt = Instant.now().plus(Duration.ofMinutes(1));
      d.recovered = spec;
      LOG.warn("could not record the failure of job {}: {}", spec.jobId(), e.toString());
    }
  }

  private void dropRequest(DomainState d, String requestId) {
    if (requestId != null) {
      LOG.warn("training request {} dropped", requestId);
    }
  }

  // ---------------------------------------------------------------- assignment

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      assignments.incrementAndGet();
      Map<String, List<TopicPartition>> byDomain = new HashMap<>();
      for (TopicPartition tp : partitions) {
        String domain = TopicNames.domainOfImagesTopic(tp.topic());
        if (domain != null) {
          byDomain.computeIfAbsent(domain, k -> new ArrayList<>()).add(tp);
        }
      }
      byDomain.forEach(TrainerService.this::assign);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      Set<String> affected = new HashSet<>();
      for (TopicPartition tp : partitions) {
        String domain = TopicNames.domainOfImagesTopic(tp.topic());
        if (domain != null && domains.containsKey(domain)) {
          affected.add(domain);
        }
      }
      release(affected, true);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      Set<String> affected = new HashSet<>();
      for (TopicPartition tp : partitions) {
        String domain = TopicNames.domainOfImagesTopic(tp.topic());
        if (domain != null && domains.containsKey(domain)) {
          affected.add(domain);
        }
      }
      release(affected, false);
    }
  }

  private void assign(String domain, List<TopicPartition> tps) {
    DomainState d =
        domains.computeIfAbsent(
            domain, k -> new DomainState(k, config.policy(k), meters, consumption));
    domainsView.put(domain, d);
    Set<TopicPartition> set = new HashSet<>(tps);
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(set);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(set);
    Map<TopicPartition, Long> end = consumer.endOffsets(set);
    for (TopicPartition tp : tps) {
      OffsetAndMetadata c = committed.get(tp);
      long b = begin.get(tp);
      long done = c == null ? 0 : c.offset();
      if (b > 0) {
        LOG.warn(
            "{}: retention removed offsets [0, {}); the sample is rebuilt from what remains{}",
            tp,
            b,
            done < b ? " (images at [" + done + ", " + b + ") were never trained on)" : "");
      }
      d.parts.put(tp, new long[] {b, Math.max(done, b), end.get(tp)});
      d.deadLetters.restore(tp, c);
      consumer.seek(tp, b);
    }
    int all = consumer.partitionsFor(d.topic).size();
    d.complete = d.parts.size() == all;
    if (!d.complete) {
      LOG.warn(
          "domain {}: this instance holds {} of its {} partitions; it trains only where all are",
          domain,
          d.parts.size(),
          all);
    }
    d.assignedAt = System.nanoTime();
    recover(d);
    queueRequests(d);
  }

  /** Announces or resumes the domain's job that the group's offsets say was not announced. */
  private void recover(DomainState d) {
    Map<String, List<CheckpointManifest>> byJob = new LinkedHashMap<>();
    for (CheckpointManifest m : store.list()) {
      JobInput in = job(m);
      if (m.domain().equals(d.domain) && in != null && coversOnly(d, in) && !committedAll(d, in)) {
        byJob.computeIfAbsent(in.jobId(), k -> new ArrayList<>()).add(m);
      }
    }
    d.promoted = latestPromotion(d.domain);
    collectFinished(d);
    Optional<List<CheckpointManifest>> pending =
        byJob.values().stream()
            .max(java.util.Comparator.comparingLong(ms -> endSum(job(ms.get(0)))));
    if (pending.isEmpty()) {
      return;
    }
    List<CheckpointManifest> ms = pending.get();
    CheckpointManifest any = ms.get(0);
    JobInput in = job(any);
    long steps = any.scalars().get(JobCheckpoints.TOTAL_STEPS);
    for (OffsetSpan r : in.ranges()) {
      d.inputEnd.put(new TopicPartition(r.topic(), r.partition()), r.end());
    }
    Optional<CheckpointManifest> fin = ms.stream().filter(TrainerService::isFinal).findFirst();
    if (fin.isPresent()) {
      LOG.info(
          "job {}: final checkpoint {} was never announced; announcing it now",
          in.jobId(),
          fin.get().id());
    } else {
      LOG.info("job {} was interrupted; it resumes from its latest checkpoint", in.jobId());
    }
    // Either way through the job runner: it finds the final checkpoint or resumes to it.
    d.recovered =
        new JobSpec(
            d.domain,
            Strategy.parse(any.strategy()),
            any.parentId(),
            d.policy.pretrainConfig(steps),
            in,
            null);
  }

  /** The domain's promoted checkpoint: its latest decision on the compacted promotions topic. */
  private String latestPromotion(String domain) {
    Map<String, Object> c = new HashMap<>(ClientConfigs.kafkaOnly(clientConfig));
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    AvroDeserializer<PromotionDecision> values =
        AvroDeserializer.specific(
            SchemaRegistryClient.fromConfigs(clientConfig), PromotionDecision.class);
    values.configure(clientConfig, false);
    String promoted = null;
    try (KafkaConsumer<String, PromotionDecision> reader =
        new KafkaConsumer<>(
            c, new org.apache.kafka.common.serialization.StringDeserializer(), values)) {
      List<TopicPartition> parts =
          reader.partitionsFor(TopicNames.PROMOTIONS, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      reader.assign(parts);
      reader.seekToBeginning(parts);
      Map<TopicPartition, Long> end = reader.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(p -> reader.position(p) < end.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, PromotionDecision> r : reader.poll(POLL)) {
          if (domain.equals(r.key()) && r.value() != null) {
            promoted = r.value().getPromotedCheckpointId();
          }
        }
      }
    }
    return promoted;
  }

  private void release(Set<String> affected, boolean commitFinished) {
    for (String domain : affected) {
      DomainState d = domains.get(domain);
      if (d.job != null) {
        d.job.requestStop();
      }
    }
    for (String domain : affected) {
      DomainState d = domains.get(domain);
      if (d.future != null) {
        try {
          d.future.get(5, TimeUnit.MINUTES);
        } catch (Exception e) {
          LOG.warn("job of domain {} did not stop cleanly: {}", domain, e.toString());
        }
      }
    }
    if (commitFinished) {
      announcePeriodic();
      drainOutcomes();
      for (String domain : affected) {
        DomainState d = domains.get(domain);
        if (d.pendingCommit != null) {
          commit(d, d.pendingCommit);
        }
      }
    }
    for (String domain : affected) {
      DomainState d = domains.remove(domain);
      domainsView.remove(domain);
      LOG.info("domain {} released", domain);
    }
  }

  private void shutdown() {
    LOG.info("stopping: running jobs checkpoint and finished ones are announced");
    try {
      if (consumer != null) {
        release(new HashSet<>(domains.keySet()), true);
      }
    } catch (RuntimeException e) {
      LOG.warn("shutdown: {}", e.toString());
    }
    executor.shutdownNow();
    if (commits != null) {
      commits.close();
    }
    if (requestReader != null) {
      requestReader.close();
    }
    if (consumer != null) {
      // A static member stays in the group on close unless told to leave.
      consumer.close(
          CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
              .withTimeout(Duration.ofSeconds(30)));
    }
    if (http != null) {
      http.close();
    }
    LOG.info("stopped");
  }

  private ServiceHttp.Health health() {
    boolean polling = Duration.between(lastPollAt, Instant.now()).toSeconds() < 60;
    StringBuilder perDomain = new StringBuilder();
    domainsView.forEach(
        (name, d) ->
            perDomain
                .append(perDomain.length() == 0 ? "" : ",")
                .append('"')
                .append(name) // domain names are [a-z0-9._-]: nothing to escape
                .append("\":{\"rebuilt\":")
                .append(d.rebuiltView)
                .append(",\"rebuildMs\":")
                .append(d.rebuildMs)
                .append(",\"sample\":")
                .append(d.sampleView)
                .append(",\"training\":")
                .append(d.trainingView)
                .append(",\"partitions\":")
                .append(d.partitionsView)
                .append(",\"offered\":")
                .append(d.offeredView)
                .append(",\"paused\":")
                .append(d.pausedView)
                .append(",\"deadLettersPending\":")
                .append(d.deadLettersView)
                .append('}'));
    String detail =
        "{\"polling\":"
            + polling
            + ",\"jobsRunning\":"
            + jobsRunning.get()
            + ",\"assignments\":"
            + assignments.get()
            + ",\"domains\":{"
            + perDomain
            + "}}";
    return new ServiceHttp.Health(running && polling, detail);
  }

  // ---------------------------------------------------------------- helpers

  private static JobInput job(CheckpointManifest m) {
    return m.data() == null ? null : m.data().job();
  }

  private static boolean isFinal(CheckpointManifest m) {
    return CheckpointCollector.isFinal(m);
  }

  private static boolean coversOnly(DomainState d, JobInput in) {
    return !in.ranges().isEmpty() && in.ranges().stream().allMatch(r -> r.topic().equals(d.topic));
  }

  /** True when the group's offsets are at or past the job's input end on every partition. */
  private static boolean committedAll(DomainState d, JobInput in) {
    if (d == null) {
      return false;
    }
    for (OffsetSpan r : in.ranges()) {
      long[] p = d.parts.get(new TopicPartition(r.topic(), r.partition()));
      if (p == null || p[1] < r.end()) {
        return false;
      }
    }
    return true;
  }

  private static long endSum(JobInput in) {
    return in.ranges().stream().mapToLong(OffsetSpan::end).sum();
  }

  /** Step metrics, periodic checkpoints to announce and the {@code mid-step} fault point. */
  private final class JobListener implements TrainingListener {
    private final JobSpec spec;
    private final long startedAt = System.nanoTime();
    private long firstStep = -1;

    @Override
    public void onCheckpoint(long step, Path dir) {
      if (step < spec.config().steps()) {
        long wallMs = (System.nanoTime() - startedAt) / 1_000_000;
        periodics.add(new Periodic(spec, dir.getFileName().toString(), wallMs));
      }
    }

    JobListener(JobSpec spec) {
      this.spec = spec;
    }

    @Override
    public void onStart(JobStart s) {
      firstStep = s.firstStep();
    }

    @Override
    public void onStep(StepReport r) {
      FaultHooks.stepDelay();
      DomainState d = domainsView.get(spec.domain());
      if (d != null) {
        d.imagesPerSecond = r.imagesPerSecond();
      }
      stepTime.record(
          Duration.ofNanos((long) (spec.config().batchSize() / r.imagesPerSecond() * 1e9)));
      if (r.step() == firstStep + 3) {
        FaultHooks.at("mid-step");
      }
    }
  }

  // ---------------------------------------------------------------- state

  private sealed interface Outcome permits Finished, Stopped, Failed {
    JobSpec spec();
  }

  private record Finished(
      JobSpec spec, CheckpointManifest manifest, long wallMs, PromotionGate.Decision decision)
      implements Outcome {}

  private record Stopped(JobSpec spec) implements Outcome {}

  /** A periodic checkpoint a job wrote (a resume point), to be announced. */
  private record Periodic(JobSpec spec, String checkpointId, long wallMs) {}

  private record Failed(JobSpec spec, Throwable error) implements Outcome {}

  private record PendingRequest(String requestId, TrainingRequest request) {}

  /** What the poll thread knows of one domain. */
  private static final class DomainState {
    final String domain;
    final String topic;
    final DomainPolicy policy;
    final ImageSampler sampler;
    final ImageSampler labelledTrain;
    final ImageSampler labelledTest;
    final Counter consumed;

    /** Per partition: {beginning, committed, end at assignment}. */
    final Map<TopicPartition, long[]> parts = new HashMap<>();

    /** End offsets of the latest job's input: images below are not new. */
    final Map<TopicPartition, Long> inputEnd = new HashMap<>();

    final DeadLetterBuffer deadLetters;

    /** True while the domain's partitions are paused (its dead-letter buffer is full). */
    boolean paused;

    Instant deadLetterRetryAt = Instant.MIN;
    final Deque<PendingRequest> requests = new ArrayDeque<>();
    long newImages;
    Instant since;
    Instant lastJobAt;
    boolean complete;
    boolean rebuilt;
    long assignedAt;
    JobSpec recovered;
    Finished pendingCommit;
    Future<?> future;
    PretrainJob job;
    String runningJobId = "";
    String runningParent;
    int failures;
    Instant retryAt = Instant.MIN;
    String promoted;

    DomainState(
        String domain, DomainPolicy policy, MeterRegistry meters, ConsumptionLimits limits) {
      this.domain = domain;
      this.deadLetters =
          new DeadLetterBuffer(limits.maxPendingDeadLetters(), limits.maxPendingDeadLetterBytes());
      this.topic = TopicNames.images(domain);
      this.policy = policy;
      this.sampler = new ImageSampler(policy.sampleSize(), policy.seed());
      this.labelledTrain = new ImageSampler(policy.labelledSampleSize(), policy.seed());
      this.labelledTest = new ImageSampler(policy.labelledSampleSize(), policy.seed());
      this.consumed =
          Counter.builder("hpt_trainer_images_consumed").tag("domain", domain).register(meters);
      Gauge.builder("hpt_trainer_lag_records", this, s -> s.lag)
          .tag("domain", domain)
          .register(meters);
      Gauge.builder("hpt_trainer_images_per_second", this, s -> s.imagesPerSecond)
          .tag("domain", domain)
          .register(meters);
      Gauge.builder("hpt_trainer_dead_letters_pending", this, s -> s.deadLettersView)
          .tag("domain", domain)
          .register(meters);
      Gauge.builder("hpt_trainer_paused", this, s -> s.pausedView ? 1 : 0)
          .tag("domain", domain)
          .register(meters);
    }

    volatile double imagesPerSecond;
    volatile long lag;
    volatile boolean rebuiltView;
    volatile int sampleView;
    volatile boolean trainingView;
    volatile long rebuildMs = -1;
    volatile boolean pausedView;
    volatile int deadLettersView;
    volatile int partitionsView;
    volatile long offeredView;

    long committed(TopicPartition tp) {
      long[] p = parts.get(tp);
      return p == null ? Long.MAX_VALUE : p[1];
    }
  }
}
