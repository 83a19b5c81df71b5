package org.hptstream.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureCacheTest {
  static final Features F = Features.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2, new int[] {0, 1, 0});

  @Test
  void computesOncePerKeyInMemory() {
    FeatureCache cache = new FeatureCache();
    AtomicInteger calls = new AtomicInteger();
    FeatureCache.Key k = new FeatureCache.Key("ck", "ds", "none");
    assertThat(
            cache.get(
                k,
                () -> {
                  calls.incrementAndGet();
                  return F;
                }))
        .isEqualTo(F);
    assertThat(
            cache.get(
                k,
                () -> {
                  calls.incrementAndGet();
                  return F;
                }))
        .isEqualTo(F);
    cache.get(
        new FeatureCache.Key("ck", "other", "none"),
        () -> {
          calls.incrementAndGet();
          return F;
        });
    assertThat(calls).hasValue(2);
    assertThat(cache.computed()).isEqualTo(2);
  }

  @Test
  void persistsAcrossInstancesAndRecomputesACorruptFile(@TempDir Path dir) throws Exception {
    FeatureCache.Key k = new FeatureCache.Key("ck", "ds", "resize32");
    new FeatureCache(dir).get(k, () -> F);
    FeatureCache second = new FeatureCache(dir);
    assertThat(
            second.get(
                k,
                () -> {
                  throw new AssertionError("should come from disk");
                }))
        .isEqualTo(F);
    assertThat(second.computed()).isZero();
    try (var files = Files.list(dir)) {
      Path file = files.findFirst().orElseThrow();
      Files.write(file, new byte[] {1, 2, 3});
    }
    FeatureCache third = new FeatureCache(dir);
    assertThat(third.get(k, () -> F)).isEqualTo(F);
    assertThat(third.computed()).isEqualTo(1);
  }

  @Test
  void keepsAtMostItsBoundLeastRecentlyUsedEvictedFirst() {
    FeatureCache cache = new FeatureCache(null, 2);
    FeatureCache.Key a = new FeatureCache.Key("a", "ds", "none");
    FeatureCache.Key b = new FeatureCache.Key("b", "ds", "none");
    FeatureCache.Key c = new FeatureCache.Key("c", "ds", "none");
    cache.get(a, () -> F);
    cache.get(b, () -> F);
    cache.get(a, () -> F); // a is now the most recently used
    cache.get(c, () -> F); // evicts b
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.computed()).isEqualTo(3);
    cache.get(a, () -> F);
    assertThat(cache.computed()).as("a stayed").isEqualTo(3);
    cache.get(b, () -> F);
    assertThat(cache.computed()).as("b was evicted").isEqualTo(4);
  }
}
