package org.hptstream.evaluator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.hptstream.clients.ClientConfigs;
import org.hptstream.data.ImageSet;
import org.hptstream.imagetopic.ImageTopicReader;
import org.hptstream.schemas.Split;
import org.hptstream.topics.TopicNames;

/**
 * A domain's labelled train and test splits, read from its image topic and cached per domain. The
 * topic's end offsets are checked (one cheap admin call) before each use: when the topic grew the
 * splits are read again, and when their content changed the data version changes.
 */
final class LabelledSplits implements AutoCloseable {
  /** One domain's splits as read at some end offsets. */
  record Snapshot(ImageSet train, ImageSet test, Map<Integer, Long> endOffsets, String version) {}

  private final ImageTopicReader reader;
  private final Admin admin;
  private final Map<String, Snapshot> cache = new HashMap<>();

  LabelledSplits(Map<String, Object> clientConfig) {
    this.reader = new ImageTopicReader(clientConfig);
    this.admin = Admin.create(ClientConfigs.kafkaOnly(clientConfig));
  }

  /**
   * The domain's current splits.
   *
   * @throws IllegalArgumentException when the domain has no topic or no labelled train or test
   *     images
   */
  synchronized Snapshot get(String domain) throws InterruptedException {
    Map<Integer, Long> ends = endOffsets(domain);
    Snapshot s = cache.get(domain);
    if (s != null && s.endOffsets().equals(ends)) {
      return s;
    }
    ImageSet train = read(domain, Split.TRAIN);
    ImageSet test = read(domain, Split.TEST);
    s = new Snapshot(train, test, ends, version(train, test));
    cache.put(domain, s);
    return s;
  }

  /** The cached snapshot, without checking for growth (null when never read). */
  synchronized Snapshot cached(String domain) {
    return cache.get(domain);
  }

  private ImageSet read(String domain, Split split) throws InterruptedException {
    ImageTopicReader.Result r =
        reader.read(domain, ImageTopicReader.Options.all().withSplit(split));
    if (r.images() == null || !r.images().hasLabels()) {
      throw new IllegalArgumentException(
          "domain "
              + domain
              + " has no labelled "
              + split.name().toLowerCase(java.util.Locale.ROOT)
              + " split in "
              + TopicNames.images(domain));
    }
    return r.images();
  }

  /**
   * The end offset of every partition of the domain's image topic now.
   *
   * @throws IllegalArgumentException when the topic cannot be described
   */
  Map<Integer, Long> endOffsets(String domain) throws InterruptedException {
    String topic = TopicNames.images(domain);
    try {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      Map<TopicPartition, OffsetSpec> q = new HashMap<>();
      d.partitions()
          .forEach(p -> q.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r =
          admin.listOffsets(q).all().get();
      Map<Integer, Long> out = new HashMap<>();
      r.forEach((tp, info) -> out.put(tp.partition(), info.offset()));
      return out;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalArgumentException(
          "cannot read " + topic + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  private static String version(ImageSet train, ImageSet test) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(Objects.requireNonNull(train.contentHash()).getBytes(StandardCharsets.UTF_8));
      md.update((byte) '\n');
      md.update(test.contentHash().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
