package org.hptstream.knn;

import java.util.Map;
import org.hptstream.stats.Parameters;

/**
 * The kNN monitor's settings (weighted kNN as in Wu et al. 2018 / the MoCo kNN monitor).
 *
 * @param k neighbours that vote (capped at the train split's size)
 * @param temperature votes weigh {@code exp(cosine / temperature)}
 * @param chunk test rows scored per matmul (bounds memory: chunk x train-size similarities)
 */
public record KnnConfig(int k, double temperature, int chunk) {
  public KnnConfig {
    if (k < 1 || !(temperature > 0) || chunk < 1) {
      throw new IllegalArgumentException(
          "kNN needs k >= 1, temperature > 0, chunk >= 1; got k="
              + k
              + ", temperature="
              + temperature
              + ", chunk="
              + chunk);
    }
  }

  /** k = 200, temperature = 0.07, 1,024 test rows per chunk. */
  public static KnnConfig defaults() {
    return new KnnConfig(200, 0.07, 1024);
  }

  public KnnConfig withK(int k) {
    return new KnnConfig(k, temperature, chunk);
  }

  public Map<String, Object> describe() {
    Map<String, Object> m = Parameters.of(this);
    m.remove("chunk");
    m.put("similarity", "cosine");
    m.put("vote", "exp(sim/T)-weighted");
    return m;
  }
}
