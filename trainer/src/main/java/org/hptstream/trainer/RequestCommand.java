package org.hptstream.trainer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hptstream.clients.AvroPublisher;
import org.hptstream.clients.ClientConfigs;
import org.hptstream.clients.ClientOptions;
import org.hptstream.pretrain.events.CheckpointEvents;
import org.hptstream.registry.SchemaRegistryClient;
import org.hptstream.schemas.CheckpointEvent;
import org.hptstream.schemas.TrainingRequest;
import org.hptstream.serde.AvroDeserializer;
import org.hptstream.strategy.Strategy;
import org.hptstream.topics.DomainNames;
import org.hptstream.topics.TopicAdmin;
import org.hptstream.topics.TopicNames;
import org.hptstream.topics.TopicSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hpt request}: asks the trainer service for one job now; with {@code --wait}, prints the
 * resulting checkpoint event (read_committed) once the job is announced.
 */
@Command(
    name = "request",
    mixinStandardHelpOptions = true,
    description = {
      "Asks the trainer service (hpt trainer) to run one job on a domain now.",
      "Prints the request id; with --wait, waits for the job it caused and prints its job id and",
      "checkpoint event."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:sent (and, with --wait, announced)", "1:--wait timed out", "2:bad input"})
public final class RequestCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Spec CommandSpec spec;

  @Option(names = "--domain", required = true, description = "The domain to train.")
  String domain;

  @Option(
      names = "--strategy",
      defaultValue = "hpt",
      description = "hpt, hpt-bn, target or base-bn-recal (default ${DEFAULT-VALUE}).")
  String strategy;

  @Option(
      names = "--parent",
      description = "Checkpoint id, base or latest (default: the domain's configured parent).")
  String parent;

  @Option(names = "--steps", description = "Steps of the job (default: the domain's).")
  long steps;

  @Option(names = "--wait", description = "Wait for the checkpoint event and print it.")
  boolean await;

  @Option(
      names = "--timeout",
      defaultValue = "PT2H",
      description = "How long --wait waits (ISO-8601, default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() {
    java.io.PrintWriter out = spec.commandLine().getOut();
    java.io.PrintWriter err = spec.commandLine().getErr();
    Strategy s;
    try {
      DomainNames.validate(domain);
      s = Strategy.parse(strategy);
      if (s == Strategy.BASE) {
        throw new IllegalArgumentException("strategy base trains nothing");
      }
    } catch (IllegalArgumentException e) {
      err.println("hpt request: " + e.getMessage());
      err.flush();
      return 2;
    }
    String requestId = UUID.randomUUID().toString();
    Map<String, Object> config = client.clientConfig();
    KafkaConsumer<String, CheckpointEvent> events = await ? eventsFromNow(config) : null;
    try (AvroPublisher<TrainingRequest> publisher =
        new AvroPublisher<>(config, TopicSpec.events(TopicNames.TRAINING_REQUESTS))) {
      publisher.publish(
          domain,
          TrainingRequest.newBuilder()
              .setDomain(domain)
              .setStrategy(org.hptstream.schemas.Strategy.valueOf(s.name()))
              .setParentCheckpoint(parent)
              .setSteps(steps)
              .setRequestedBy("hpt-request@" + System.getProperty("user.name", "?"))
              .setRequestedAt(Instant.now())
              .setRequestId(requestId)
              .build());
    }
    out.println("request " + requestId);
    out.flush();
    if (events == null) {
      return 0;
    }
    try (events) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, CheckpointEvent> r : events.poll(Duration.ofSeconds(1))) {
          // The job's result, not one of its periodic checkpoints.
          if (requestId.equals(r.value().getRequestId())
              && r.value().getKind() == org.hptstream.schemas.CheckpointKind.FINAL) {
            out.println("job " + r.value().getJobId());
            out.println(r.value());
            out.flush();
            return 0;
          }
        }
      }
    }
    err.println(
        "hpt request: no checkpoint event for request "
            + requestId
            + " within "
            + timeout
            + ": is an hpt trainer running for domain "
            + domain
            + "? (A request for a domain with fewer images than one batch is dropped: see the"
            + " trainer's log.)");
    err.flush();
    return 1;
  }

  /** A read_committed reader of the checkpoint topic positioned at its end (before we send). */
  private static KafkaConsumer<String, CheckpointEvent> eventsFromNow(Map<String, Object> config) {
    // Before any trainer ran the topic may not exist yet: a reader of no partitions sees nothing.
    try (Admin admin = Admin.create(ClientConfigs.kafkaOnly(config))) {
      new TopicAdmin(admin).ensure(CheckpointEvents.TOPIC);
    }
    Map<String, Object> c = new HashMap<>(ClientConfigs.kafkaOnly(config));
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    AvroDeserializer<CheckpointEvent> values =
        AvroDeserializer.specific(SchemaRegistryClient.fromConfigs(config), CheckpointEvent.class);
    values.configure(config, false);
    KafkaConsumer<String, CheckpointEvent> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), values);
    var infos = consumer.partitionsFor(TopicNames.CHECKPOINTS, Duration.ofSeconds(30));
    List<TopicPartition> parts =
        infos == null
            ? List.of()
            : infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    parts.forEach(consumer::position); // fix the positions now
    return consumer;
  }
}
