package org.hptstream.trainer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.hptstream.data.DecodedImage;
import org.hptstream.data.ImageSet;
import org.hptstream.data.ImageSets;
import org.hptstream.data.InvalidImageDataException;
import org.hptstream.data.Sha256;

/**
 * A bounded, seeded uniform sample of a domain's images: bottom-k sampling, i.e. the {@code
 * capacity} images whose seeded hash of the content id is smallest. Unlike a classic reservoir, the
 * result depends only on the <em>set</em> of images offered, not on their order, their partitions
 * or how often one was offered: a sample rebuilt from Kafka's log after a restart, or from a job's
 * recorded offset ranges, comes out identical, and an image ingested twice counts once. Memory is
 * bounded by {@code capacity} decoded images. Not thread-safe (the poll thread owns it).
 */
public final class ImageSampler {
  private final int capacity;
  private final long seed;
  private final TreeMap<Key, Kept> kept = new TreeMap<>();
  private final Set<String> keptIds = new HashSet<>();
  private long offered;

  private record Kept(DecodedImage image, Integer label) {}

  private record Key(long priority, String id) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = Long.compareUnsigned(priority, o.priority);
      return c != 0 ? c : id.compareTo(o.id);
    }
  }

  public ImageSampler(int capacity, long seed) {
    if (capacity < 1) {
      throw new IllegalArgumentException("sample capacity must be >= 1: " + capacity);
    }
    this.capacity = capacity;
    this.seed = seed;
  }

  /**
   * Offers one image.
   *
   * @return true when it is in the sample now
   */
  public boolean offer(String id, DecodedImage image) {
    return offer(id, image, null);
  }

  /**
   * Offers one image with its class label (null when it has none).
   *
   * @return true when it is in the sample now
   */
  public boolean offer(String id, DecodedImage image, Integer label) {
    offered++;
    if (keptIds.contains(id)) {
      return true;
    }
    Key k = new Key(priority(id), id);
    if (kept.size() >= capacity) {
      Key last = kept.lastKey();
      if (k.compareTo(last) >= 0) {
        return false;
      }
      kept.remove(last);
      keptIds.remove(last.id());
    }
    kept.put(k, new Kept(image, label));
    keptIds.add(id);
    return true;
  }

  /** Images in the sample. */
  public int size() {
    return kept.size();
  }

  /** Offers so far (duplicates included). */
  public long offered() {
    return offered;
  }

  /** SHA-256 over the sampled ids in sample order: equal digests, equal samples. */
  public String digest() {
    MessageDigest md = Sha256.digest();
    for (Key k : kept.keySet()) {
      md.update(k.id().getBytes(StandardCharsets.UTF_8));
      md.update((byte) '\n');
    }
    return Sha256.hex(md);
  }

  /**
   * The sample as one image set in sample order, every image resized to {@code size x size} (RGB if
   * any image is RGB).
   */
  public ImageSet snapshot(int size) {
    if (kept.isEmpty()) {
      throw new IllegalStateException("the sample is empty");
    }
    List<DecodedImage> images = new ArrayList<>(kept.size());
    List<String> ids = new ArrayList<>(kept.size());
    int[] labels = new int[kept.size()];
    boolean labelled = true;
    for (Map.Entry<Key, Kept> e : kept.entrySet()) {
      labels[images.size()] = e.getValue().label() == null ? -1 : e.getValue().label();
      labelled &= e.getValue().label() != null;
      images.add(e.getValue().image());
      ids.add(e.getKey().id());
    }
    try {
      return ImageSets.assemble(images, ids, labelled ? labels : null, size);
    } catch (InvalidImageDataException e) {
      throw new IllegalStateException("cannot assemble the sample: " + e.getMessage(), e);
    }
  }

  /** A 64-bit hash of (seed, id): SplitMix64 over the id's Java hash and the seed. */
  private long priority(String id) {
    long z = seed * 0x9E3779B97F4A7C15L;
    for (int i = 0; i < id.length(); i++) {
      z = mix(z ^ id.charAt(i));
    }
    return mix(z);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
