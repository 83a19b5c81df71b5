package org.hptstream.features;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Features keyed by (checkpoint, dataset, transform), so one extraction pass serves every cheap
 * protocol. Held in memory; with a directory, also persisted across runs (one file per key, written
 * atomically; a file that does not read back is ignored and recomputed).
 */
public final class FeatureCache {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureCache.class);
  private static final int MAGIC = 0x48505446; // "HPTF"

  /**
   * What identifies a feature matrix.
   *
   * @param checkpoint the checkpoint's content hash (sha256 of its files)
   * @param dataset the dataset's content hash ({@link org.hptstream.data.ImageSet#contentHash()})
   * @param transform the eval transform and input size, e.g. {@code "resize32-crop32"}
   */
  public record Key(String checkpoint, String dataset, String transform) {
    String fileName() {
      return (checkpoint + "-" + dataset + "-" + transform).replaceAll("[^A-Za-z0-9._-]", "_")
          + ".feat";
    }
  }

  /** Entries kept in memory by default: a few checkpoints' splits. */
  public static final int DEFAULT_MAX_ENTRIES = 32;

  private final Map<Key, Features> memory;
  private final Path dir;
  private int computed;

  /** A cache in memory only. */
  public FeatureCache() {
    this(null);
  }

  /** A cache in memory and, when {@code dir} is non-null, on disk under {@code dir}. */
  public FeatureCache(Path dir) {
    this(dir, DEFAULT_MAX_ENTRIES);
  }

  /**
   * Like {@link #FeatureCache(Path)}, keeping at most {@code maxEntries} in memory, least recently
   * used evicted first: a long-running service sees new checkpoints forever.
   */
  public FeatureCache(Path dir, int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1: " + maxEntries);
    }
    this.dir = dir;
    this.memory =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Features> eldest) {
            return size() > maxEntries;
          }
        };
  }

  /**
   * The cached features for {@code key}, computing (and storing) them when absent. No lock is held
   * while computing, so other keys stay readable during a long extraction (two callers missing the
   * same key at once may both compute it).
   */
  public Features get(Key key, Supplier<Features> compute) {
    Features f;
    synchronized (this) {
      f = memory.get(key);
    }
    if (f != null) {
      return f;
    }
    if (dir != null) {
      f = readFile(dir.resolve(key.fileName()));
    }
    if (f == null) {
      f = compute.get();
      synchronized (this) {
        computed++;
      }
      if (dir != null) {
        writeFile(dir.resolve(key.fileName()), f);
      }
    }
    synchronized (this) {
      memory.put(key, f);
    }
    return f;
  }

  /** Entries held in memory. */
  public synchronized int size() {
    return memory.size();
  }

  /** How many times features were computed rather than found. */
  public synchronized int computed() {
    return computed;
  }

  private static Features readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (DataInputStream in =
        new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC) {
        throw new IOException("not a feature cache file");
      }
      int n = in.readInt();
      int d = in.readInt();
      boolean labelled = in.readBoolean();
      int[] labels = null;
      if (labelled) {
        labels = new int[n];
        for (int i = 0; i < n; i++) {
          labels[i] = in.readInt();
        }
      }
      byte[] raw = in.readNBytes(Math.multiplyExact(Math.multiplyExact(n, d), 4));
      if (raw.length != n * d * 4) {
        throw new IOException("truncated");
      }
      float[] values = new float[n * d];
      ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      return Features.of(values, n, d, labels);
    } catch (IOException | RuntimeException e) {
      LOG.warn("ignoring unreadable feature cache file {}: {}", file, e.toString());
      return null;
    }
  }

  private static void writeFile(Path file, Features f) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      try (OutputStream os = Files.newOutputStream(tmp);
          DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os))) {
        out.writeInt(MAGIC);
        out.writeInt(f.size());
        out.writeInt(f.dim());
        out.writeBoolean(f.hasLabels());
        if (f.hasLabels()) {
          for (int l : f.labels()) {
            out.writeInt(l);
          }
        }
        ByteBuffer buf = ByteBuffer.allocate(f.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(f.values());
        out.write(buf.array());
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // A cache that cannot be written costs time, not correctness.
      LOG.warn("could not write feature cache file {}: {}", file, e.toString());
    }
  }
}
