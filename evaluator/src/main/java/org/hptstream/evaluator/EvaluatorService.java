package org.hptstream.evaluator;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.clients.ClientConfigs;
import org.hptstream.evaluation.CheckpointLoader;
import org.hptstream.evaluation.EvaluatedBackbone;
import org.hptstream.evaluation.EvaluationData;
import org.hptstream.evaluation.EvaluationResult;
import org.hptstream.evaluation.Evaluator;
import org.hptstream.evaluation.Protocol;
import org.hptstream.evaluation.events.MetricEvents;
import org.hptstream.features.FeatureCache;
import org.hptstream.leaderboard.Candidate;
import org.hptstream.leaderboard.Leaderboard;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.CheckpointKind;
import org.hptstream.schemas.DeadLetter;
import org.hptstream.schemas.MetricEvent;
import org.hptstream.schemas.PromotionDecision;
import org.hptstream.schemas.Split;
import org.hptstream.serde.AvroDeserializer;
import org.hptstream.serde.AvroSerializer;
import org.hptstream.topics.TopicAdmin;
import org.hptstream.topics.TopicNames;
import org.hptstream.topics.TopicSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluator service's loop: consumes {@link TopicNames#CHECKPOINTS} ({@code read_committed},
 * consumer group), evaluates each checkpoint and commits its metric events, the consumed offset and
 * the domain's evaluation state in one transaction, so a crash at any point leaves either all of an
 * evaluation or none of it.
 *
 * <ul>
 *   <li>A checkpoint is resolved by id in the configured store and checked against the event
 *       ({@link CheckpointResolver}); a missing, tampered or incompatible one becomes a {@link
 *       DeadLetter} on {@code hpt.checkpoints.dlq} with the reason, in the same transaction as its
 *       offset.
 *   <li>A PERIODIC checkpoint that is no longer in the store (the trainer collects them once the
 *       job's final checkpoint is announced) is skipped, not dead-lettered.
 *   <li>A PERIODIC checkpoint with a newer checkpoint of the same job already waiting is skipped
 *       (logged and counted); FINAL ones are always evaluated.
 *   <li>When a domain's labelled data is new to the service (first seen, or grown since the
 *       domain's last evaluation), its BASE row (the lineage root, evaluated as is) is measured
 *       too, and on growth its promoted checkpoint is re-evaluated. The data version each domain
 *       was last measured at is kept on the compacted topic {@value #STATE_TOPIC}, in the same
 *       transaction.
 * </ul>
 */
public final class EvaluatorService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluatorService.class);

  /** Per domain: the data version and BASE checkpoint last measured (compacted, JSON). */
  public static final String STATE_TOPIC = TopicNames.PREFIX + "evaluator.state";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What the service last measured for a domain: the labelled data's version, its BASE checkpoint,
   * and the end offsets of the domain's image topic when it was read (null in states written by
   * older versions), so an idle check can tell "nothing new" without reading the topic.
   */
  record DomainState(String dataVersion, String baseId, Map<Integer, Long> imageEnds) {}

  private final EvaluatorServiceConfig config;
  private final Map<String, Object> clientConfig;
  private final CheckpointResolver resolver;
  private final LabelledSplits splits;
  private final FeatureCache features;
  private final List<Protocol> protocols;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final AvroDeserializer<CheckpointEvent> events;
  private final AvroSerializer<MetricEvent> metricSerializer;
  private final AvroSerializer<DeadLetter> deadLetterSerializer;
  private final AvroDeserializer<PromotionDecision> promotionDeserializer;
  private final Map<String, DomainState> states = new HashMap<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong lastPoll = new AtomicLong(System.currentTimeMillis());
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Counter done;
  private final Counter failed;
  private final Counter skipped;
  private final Counter growthChecks;
  private final MeterRegistry meters;
  private volatile boolean running = true;
  private volatile boolean statesStale = true;
  private volatile java.util.Set<TopicPartition> assigned = java.util.Set.of();
  private final AtomicLong rebalances = new AtomicLong();
  private boolean inBatch;
  private long lastGrowthCheck = System.nanoTime();

  /**
   * @param clientConfig Kafka client settings plus the registry keys
   * @param meters where evaluations done/failed/skipped, pending checkpoints and time per protocol
   *     are counted
   */
  public EvaluatorService(
      EvaluatorServiceConfig config, Map<String, Object> clientConfig, MeterRegistry meters) {
    this.config = config;
    this.clientConfig = Map.copyOf(clientConfig);
    this.meters = meters;
    this.resolver = new CheckpointResolver(config.checkpointStore());
    this.protocols = config.parsedProtocols();
    this.features = new FeatureCache(null, config.featureCacheEntries());
    ensureTopics(clientConfig);
    SchemaRegistryClient registry = SchemaRegistryClient.fromConfigs(clientConfig);
    this.events = AvroDeserializer.specific(registry, CheckpointEvent.class);
    events.configure(clientConfig, false);
    this.promotionDeserializer = AvroDeserializer.specific(registry, PromotionDecision.class);
    promotionDeserializer.configure(clientConfig, false);
    this.metricSerializer = new AvroSerializer<>(registry);
    metricSerializer.configure(clientConfig, false);
    this.deadLetterSerializer = new AvroSerializer<>(registry);
    deadLetterSerializer.configure(clientConfig, false);

    Map<String, Object> c = new HashMap<>(ClientConfigs.kafkaOnly(clientConfig));
    c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
    // One evaluation can take minutes on a CPU; the group must not evict us meanwhile.
    c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofHours(1).toMillis());
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());

    Map<String, Object> p = new HashMap<>(ClientConfigs.kafkaOnly(clientConfig));
    p.put(
        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
        "hpt-evaluator-" + config.groupId() + "-" + config.instanceId());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(5).toMillis());
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    // Fences a predecessor with the same id and aborts its open transaction.
    producer.initTransactions();

    this.splits = new LabelledSplits(clientConfig);
    this.done = meters.counter("hpt.evaluator.evaluations", "outcome", "done");
    this.failed = meters.counter("hpt.evaluator.evaluations", "outcome", "failed");
    this.skipped = meters.counter("hpt.evaluator.evaluations", "outcome", "skipped");
    this.growthChecks = meters.counter("hpt.evaluator.growth.checks");
    meters.gauge("hpt.evaluator.pending", pending);
  }

  /** Checkpoint events polled and not yet handled. */
  public int pending() {
    return pending.get();
  }

  /** True while the loop runs and polls. */
  public boolean healthy() {
    return running && System.currentTimeMillis() - lastPoll.get() < Duration.ofHours(1).toMillis();
  }

  /** Runs until {@link #stop()}; the current evaluation finishes (and commits) first. */
  public void run() {
    try {
      // Evaluation is inference (the probe has closed-form gradients).
      org.hptstream.tensor.GradMode.offOnThisThread();
      consumer.subscribe(List.of(TopicNames.CHECKPOINTS), new Membership());
      while (running) {
        ConsumerRecords<String, byte[]> polled;
        try {
          polled = consumer.poll(Duration.ofMillis(500));
        } catch (WakeupException e) {
          break;
        }
        lastPoll.set(System.currentTimeMillis());
        if (statesStale) {
          readStates();
          statesStale = false;
        }
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        polled.forEach(batch::add);
        if (batch.isEmpty()) {
          maybeCheckGrowth();
          continue;
        }
        handleBatch(batch);
      }
    } finally {
      stopped.countDown();
    }
  }

  /**
   * Handles a polled batch in order. Between two checkpoints the loop takes part in the group's
   * rebalances (a paused poll), so a joining or leaving instance waits for one evaluation, not for
   * a whole batch; after a rebalance the rest of the batch is left to the partitions' owners, read
   * again from the committed offsets.
   */
  private void handleBatch(List<ConsumerRecord<String, byte[]>> batch) {
    pending.set(batch.size());
    inBatch = true;
    int i = 0;
    try {
      for (; i < batch.size() && running; i++) {
        try {
          handle(batch.get(i), batch.subList(i + 1, batch.size()));
        } catch (ProducerFencedException e) {
          LOG.error("another evaluator instance took over this instance id; stopping", e);
          running = false;
        } catch (KafkaException e) {
          LOG.warn(
              "transaction failed, will retry from {}: {}", batch.get(i).offset(), e.toString());
          break;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          running = false;
        }
        pending.decrementAndGet();
        // Cheap records (skipped, rejected) go on without a poll: it waits up to 100 ms.
        if (running
            && i + 1 < batch.size()
            && System.currentTimeMillis() - lastPoll.get() > 1000
            && rebalancedDuring(this::keepMembership)) {
          LOG.info("group rebalanced mid-batch: the rest is read again from committed offsets");
          i++;
          break;
        }
      }
    } finally {
      inBatch = false;
      consumer.resume(consumer.paused());
      rewind(batch.subList(Math.min(i, batch.size()), batch.size()));
      pending.set(0);
    }
  }

  /**
   * A poll with every partition paused: heartbeats and rebalances go on, no records come (a
   * partition assigned meanwhile is paused by {@link Membership} while a batch is handled).
   */
  private void keepMembership() {
    consumer.pause(consumer.assignment());
    // Long enough for a join/sync round trip on the way: the other members wait for this one.
    ConsumerRecords<String, byte[]> r = consumer.poll(Duration.ofMillis(100));
    lastPoll.set(System.currentTimeMillis());
    if (!r.isEmpty()) { // not expected; never lose them
      List<ConsumerRecord<String, byte[]>> early = new ArrayList<>();
      r.forEach(early::add);
      rewind(early);
    }
  }

  private boolean rebalancedDuring(Runnable action) {
    long before = rebalances.get();
    action.run();
    return rebalances.get() != before;
  }

  /** Follows the group's assignment; pauses what is assigned while a batch is being handled. */
  private final class Membership implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      rebalances.incrementAndGet();
      java.util.Set<TopicPartition> now = new java.util.HashSet<>(assigned);
      now.removeAll(partitions);
      assigned = java.util.Set.copyOf(now);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      rebalances.incrementAndGet();
      statesStale = true; // another instance may have measured domains meanwhile
      java.util.Set<TopicPartition> now = new java.util.HashSet<>(assigned);
      now.addAll(partitions);
      assigned = java.util.Set.copyOf(now);
      if (inBatch) {
        consumer.pause(partitions);
      }
    }
  }

  /** The partitions of {@link TopicNames#CHECKPOINTS} this instance is assigned now. */
  public java.util.Set<TopicPartition> assigned() {
    return assigned;
  }

  /**
   * Records polled and not handled are read again: each partition still assigned goes back to its
   * committed offset (uncommitted work is redone; a restart would read from there too).
   */
  private void rewind(List<ConsumerRecord<String, byte[]>> unhandled) {
    java.util.Set<TopicPartition> parts = new java.util.HashSet<>();
    unhandled.forEach(r -> parts.add(new TopicPartition(r.topic(), r.partition())));
    parts.retainAll(consumer.assignment());
    if (parts.isEmpty()) {
      return;
    }
    try {
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(parts);
      for (TopicPartition tp : parts) {
        OffsetAndMetadata c = committed.get(tp);
        long first =
            unhandled.stream()
                .filter(r -> r.partition() == tp.partition())
                .mapToLong(ConsumerRecord::offset)
                .min()
                .orElseThrow();
        consumer.seek(tp, c == null ? first : c.offset());
      }
    } catch (KafkaException e) {
      LOG.warn("could not rewind: {}", e.toString());
    }
  }

  /** Asks the loop to stop and waits for it (at most {@code timeout}). */
  public void stop(Duration timeout) throws InterruptedException {
    running = false;
    stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void handle(
      ConsumerRecord<String, byte[]> rec, List<ConsumerRecord<String, byte[]>> later)
      throws InterruptedException {
    TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
    Map<TopicPartition, OffsetAndMetadata> offsets =
        Map.of(tp, new OffsetAndMetadata(rec.offset() + 1));
    CheckpointEvent e;
    try {
      e = events.deserialize(rec.topic(), rec.value());
      if (e == null) {
        throw new IllegalArgumentException("empty record");
      }
    } catch (RuntimeException x) {
      reject(
          rec,
          offsets,
          new CheckpointRejected(
              CheckpointRejected.Reason.INVALID, "not a checkpoint event: " + x.getMessage(), x));
      return;
    }
    String supersededBy = supersededBy(e, rec, later);
    if (supersededBy != null) {
      LOG.info(
          "skipping periodic checkpoint {} of job {}: superseded by {} waiting behind it",
          e.getCheckpointId(),
          e.getJobId(),
          supersededBy);
      skipped.increment();
      commit(List.of(), offsets, null, null);
      return;
    }
    try {
      resolver.check(e);
      LabelledSplits.Snapshot data = data(e.getDomain());
      LOG.info(
          "evaluating checkpoint {} of {} ({})", e.getCheckpointId(), e.getDomain(), protocols);
      List<MetricEvent> out = new ArrayList<>();
      out.addAll(
          evaluate(
              e.getCheckpointId(),
              e.getDomain(),
              new MetricEvents.Subject(
                  e.getParentId(), e.getStrategy().name(), e.getSteps(), e.getJobId(), null),
              data));
      DomainState state = states.get(e.getDomain());
      DomainState next = null;
      if (state == null || !state.dataVersion().equals(data.version())) {
        Remeasured extra = remeasure(e.getDomain(), e.getCheckpointId(), state, data);
        if (extra != null) {
          next = extra.state();
          out.addAll(extra.events());
        }
      }
      commit(out, offsets, e.getDomain(), next);
      done.increment();
      LOG.info(
          "evaluated checkpoint {} of {} ({} metric events)",
          e.getCheckpointId(),
          e.getDomain(),
          out.size());
    } catch (CheckpointRejected r) {
      if (r.reason() == CheckpointRejected.Reason.MISSING
          && e.getKind() == CheckpointKind.PERIODIC) {
        // The trainer collects a job's periodic checkpoints once its final one is announced: gone
        // is what a superseded resume point becomes, not an error.
        LOG.info(
            "skipping periodic checkpoint {} of job {}: no longer in the store (collected)",
            e.getCheckpointId(),
            e.getJobId());
        skipped.increment();
        commit(List.of(), offsets, null, null);
        return;
      }
      reject(rec, offsets, r);
    }
  }

  /** Checkpoints skipped so far: superseded or collected periodic ones. */
  public long skippedCount() {
    return (long) skipped.count();
  }

  /** Extra measurements of a domain and the state they bring it to. */
  private record Remeasured(DomainState state, List<MetricEvent> events) {}

  /**
   * The BASE row (and, on growth, the promoted checkpoint) for {@code domain} at {@code data}'s
   * version, or null when they cannot be measured. A failure here does not fail the checkpoint that
   * triggered it: it is logged and retried at the next data version.
   */
  private Remeasured remeasure(
      String domain, String current, DomainState previous, LabelledSplits.Snapshot data)
      throws InterruptedException {
    List<MetricEvent> extra = new ArrayList<>();
    String base = previous == null ? null : previous.baseId();
    try {
      if (base == null) {
        if (current == null) {
          return null;
        }
        base = resolver.root(current);
      }
      extra.addAll(evaluateBase(base, domain, data));
      if (previous != null) {
        String promoted = promoted(domain);
        if (promoted != null && !promoted.equals(current)) {
          CheckpointManifest m = resolver.manifest(promoted);
          extra.addAll(
              evaluate(
                  promoted,
                  domain,
                  new MetricEvents.Subject(
                      m.parentId(),
                      m.strategy().toUpperCase(Locale.ROOT).replace('-', '_'),
                      m.steps(),
                      null,
                      null),
                  data));
        }
      }
    } catch (CheckpointRejected r) {
      // Not retried until the data changes again: a rejected checkpoint stays rejected.
      LOG.warn(
          "domain {}: could not measure BASE/promoted at data version {}: {}",
          domain,
          data.version(),
          r.getMessage());
      if (base == null) {
        return null;
      }
    }
    return new Remeasured(new DomainState(data.version(), base, data.endOffsets()), extra);
  }

  /**
   * When idle: a domain whose labelled data changed gets its BASE and promoted re-measured, by the
   * instance that evaluates the domain's checkpoints (the owner of its partition), once per change.
   */
  private void maybeCheckGrowth() {
    if (System.nanoTime() - lastGrowthCheck < config.growthCheck().toNanos()) {
      return;
    }
    lastGrowthCheck = System.nanoTime();
    for (Map.Entry<String, DomainState> s : List.copyOf(states.entrySet())) {
      String domain = s.getKey();
      DomainState state = s.getValue();
      try {
        if (!owns(domain) || splits.endOffsets(domain).equals(state.imageEnds())) {
          continue;
        }
        LabelledSplits.Snapshot data = splits.get(domain);
        if (data.version().equals(state.dataVersion())) {
          // Only unlabelled (training) images arrived: remember where, so the topic is not read
          // again until it grows.
          states.put(
              domain, new DomainState(state.dataVersion(), state.baseId(), data.endOffsets()));
          continue;
        }
        LOG.info("domain {}: labelled data changed, re-measuring BASE and promoted", domain);
        Remeasured next = remeasure(domain, null, state, data);
        if (next != null) {
          commit(next.events(), Map.of(), domain, next.state());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
        return;
      } catch (RuntimeException e) {
        LOG.warn("domain {}: growth check failed: {}", domain, e.toString());
      }
    }
    growthChecks.increment();
  }

  /**
   * True when this instance is assigned the partition of {@link TopicNames#CHECKPOINTS} that a
   * record keyed by {@code domain} goes to (the producer's default partitioning, murmur2 of the
   * key): the trainer keys checkpoint events by domain, so each domain has one owner in the group.
   */
  private boolean owns(String domain) {
    java.util.Set<TopicPartition> assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      return false;
    }
    int partitions = consumer.partitionsFor(TopicNames.CHECKPOINTS).size();
    int p =
        org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(
                    domain.getBytes(StandardCharsets.UTF_8)))
            % partitions;
    return assigned.contains(new TopicPartition(TopicNames.CHECKPOINTS, p));
  }

  private LabelledSplits.Snapshot data(String domain)
      throws CheckpointRejected, InterruptedException {
    try {
      return splits.get(domain);
    } catch (IllegalArgumentException | IllegalStateException x) {
      throw new CheckpointRejected(CheckpointRejected.Reason.NO_LABELLED_DATA, x.getMessage(), x);
    }
  }

  /** Runs the protocols on checkpoint {@code id}; the backbone's native memory is freed after. */
  private List<MetricEvent> evaluate(
      String id, String domain, MetricEvents.Subject subject, LabelledSplits.Snapshot data)
      throws CheckpointRejected {
    try (NDManager manager = NDManager.newBaseManager()) {
      CheckpointLoader.Loaded loaded = resolver.load(id, data.train().height(), manager);
      return evaluate(loaded.backbone(), domain, subject, data, manager);
    }
  }

  /**
   * The BASE row and, beside it, the RANDOM row: a seeded random network of the base's
   * architecture, evaluated with the base's normalisation and transforms, so every gain (BASE's
   * included) is read against a network that learned nothing. The base is loaded once for both.
   */
  private List<MetricEvent> evaluateBase(String base, String domain, LabelledSplits.Snapshot data)
      throws CheckpointRejected {
    try (NDManager manager = NDManager.newBaseManager()) {
      EvaluatedBackbone b = resolver.load(base, data.train().height(), manager).backbone();
      List<MetricEvent> out =
          new ArrayList<>(
              evaluate(
                  b,
                  domain,
                  new MetricEvents.Subject(null, "BASE", 0L, null, null),
                  data,
                  manager));
      EvaluatedBackbone random =
          EvaluatedBackbone.randomInit(
              b.net().config(), 0, b.normalization(), n -> b.transforms(), manager);
      out.addAll(
          evaluate(
              random,
              domain,
              new MetricEvents.Subject(null, Candidate.RANDOM, 0L, null, null),
              data,
              manager));
      return out;
    }
  }

  private List<MetricEvent> evaluate(
      EvaluatedBackbone backbone,
      String domain,
      MetricEvents.Subject subject,
      LabelledSplits.Snapshot data,
      NDManager manager)
      throws CheckpointRejected {
    String id = backbone.checkpointId();
    List<EvaluationResult> results;
    try {
      results =
          new Evaluator(config.evaluation(), manager, features)
              .evaluate(
                  backbone, new EvaluationData(data.train(), null, data.test(), null), protocols);
    } catch (IllegalArgumentException x) {
      throw new CheckpointRejected(
          CheckpointRejected.Reason.INCOMPATIBLE, "checkpoint " + id + ": " + x.getMessage(), x);
    }
    List<MetricEvent> out = new ArrayList<>();
    for (EvaluationResult r : results) {
      Timer.builder("hpt.evaluator.protocol")
          .tag("protocol", r.provenance().protocol())
          .register(meters)
          .record(Duration.ofNanos((long) (r.provenance().wallSeconds() * 1e9)));
      String evaluationId = hash(id, subject.strategy(), r.provenance().protocol(), data.version());
      out.addAll(
          MetricEvents.of(
              r,
              domain,
              Split.TEST,
              new MetricEvents.Subject(
                  subject.parentId(),
                  subject.strategy(),
                  subject.steps(),
                  subject.jobId(),
                  evaluationId)));
    }
    return out;
  }

  /**
   * The id of a later checkpoint of the same job already waiting behind {@code e} when {@code e} is
   * PERIODIC (it is then superseded), else null.
   */
  private String supersededBy(
      CheckpointEvent e,
      ConsumerRecord<String, byte[]> rec,
      List<ConsumerRecord<String, byte[]>> later) {
    if (e.getKind() != CheckpointKind.PERIODIC || e.getJobId() == null) {
      return null;
    }
    for (ConsumerRecord<String, byte[]> r : later) {
      if (r.partition() != rec.partition()) {
        continue;
      }
      CheckpointEvent n;
      try {
        n = events.deserialize(r.topic(), r.value());
      } catch (RuntimeException x) {
        continue; // dealt with when its turn comes
      }
      if (n != null && e.getJobId().equals(n.getJobId())) {
        return n.getCheckpointId();
      }
    }
    return null;
  }

  private String promoted(String domain) {
    Map<String, Object> c = new HashMap<>(ClientConfigs.kafkaOnly(clientConfig));
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    String promoted = null;
    try (KafkaConsumer<String, byte[]> pc =
        new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
      for (ConsumerRecord<String, byte[]> r : TopicReads.readAll(pc, TopicNames.PROMOTIONS)) {
        if (domain.equals(r.key()) && r.value() != null) {
          try {
            PromotionDecision d = promotionDeserializer.deserialize(r.topic(), r.value());
            promoted = d.getPromotedCheckpointId();
          } catch (RuntimeException x) {
            LOG.warn("unreadable promotion decision at offset {}: {}", r.offset(), x.toString());
          }
        }
      }
    }
    return promoted;
  }

  private void readStates() {
    Map<String, Object> c = new HashMap<>(ClientConfigs.kafkaOnly(clientConfig));
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> sc =
        new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
      for (ConsumerRecord<String, byte[]> r : TopicReads.readAll(sc, STATE_TOPIC)) {
        try {
          if (r.value() == null) {
            states.remove(r.key());
          } else {
            states.put(r.key(), JSON.readValue(r.value(), DomainState.class));
          }
        } catch (java.io.IOException x) {
          LOG.warn("unreadable evaluator state for {}: {}", r.key(), x.toString());
        }
      }
    }
  }

  private void reject(
      ConsumerRecord<String, byte[]> rec,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      CheckpointRejected r) {
    LOG.warn(
        "checkpoint event at {}-{}@{} rejected ({}): {}",
        rec.topic(),
        rec.partition(),
        rec.offset(),
        r.reason(),
        r.getMessage());
    DeadLetter dl =
        DeadLetter.newBuilder()
            .setTopic(rec.topic())
            .setPartition(rec.partition())
            .setOffset(rec.offset())
            .setKey(
                rec.key() == null
                    ? null
                    : java.nio.ByteBuffer.wrap(rec.key().getBytes(StandardCharsets.UTF_8)))
            .setValue(rec.value() == null ? null : java.nio.ByteBuffer.wrap(rec.value()))
            .setErrorClass(r.reason().name())
            .setErrorMessage(String.valueOf(r.getMessage()))
            .setTimestamp(Instant.now())
            .build();
    String dlq = TopicNames.deadLetter(TopicNames.CHECKPOINTS);
    producer.beginTransaction();
    try {
      producer.send(new ProducerRecord<>(dlq, rec.key(), deadLetterSerializer.serialize(dlq, dl)));
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      producer.commitTransaction();
      failed.increment(); // once per dead letter, not per attempt
    } catch (ProducerFencedException x) {
      throw x;
    } catch (KafkaException x) {
      producer.abortTransaction();
      throw x;
    }
  }

  private void commit(
      List<MetricEvent> metrics,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      String domain,
      DomainState state) {
    producer.beginTransaction();
    try {
      for (MetricEvent m : metrics) {
        producer.send(
            new ProducerRecord<>(
                TopicNames.METRICS,
                m.getCheckpointId(),
                metricSerializer.serialize(TopicNames.METRICS, m)));
      }
      if (state != null) {
        producer.send(new ProducerRecord<>(STATE_TOPIC, domain, JSON.writeValueAsBytes(state)));
      }
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      }
      producer.commitTransaction();
    } catch (ProducerFencedException x) {
      throw x;
    } catch (KafkaException | java.io.IOException x) {
      producer.abortTransaction();
      throw x instanceof KafkaException k ? k : new KafkaException(x);
    }
    if (state != null) {
      states.put(domain, state);
    }
  }

  private static String hash(String... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        md.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest(), 0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void ensureTopics(Map<String, Object> clientConfig) {
    try (Admin admin = Admin.create(ClientConfigs.kafkaOnly(clientConfig))) {
      TopicAdmin topics = new TopicAdmin(admin);
      topics.ensure(TopicSpec.events(TopicNames.CHECKPOINTS));
      topics.ensure(MetricEvents.TOPIC);
      topics.ensure(
          TopicSpec.deadLetter(
              TopicNames.CHECKPOINTS, TopicSpec.events(TopicNames.CHECKPOINTS).maxMessageBytes()));
      topics.ensure(Leaderboard.compacted(STATE_TOPIC));
      topics.ensure(Leaderboard.compacted(TopicNames.PROMOTIONS));
    }
  }

  @Override
  public void close() {
    running = false;
    producer.close(Duration.ofSeconds(10));
    consumer.close(Duration.ofSeconds(10));
    splits.close();
  }
}
