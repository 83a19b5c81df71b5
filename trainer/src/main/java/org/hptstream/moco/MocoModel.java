package org.hptstream.moco;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hptstream.model.ResNet;
import org.hptstream.model.ResNetConfig;
import org.hptstream.tensor.TensorCopy;

/**
 * MoCo v2's state: query encoder, momentum (key) encoder and key queue.
 *
 * <p>The key encoder is never trained by gradients; {@link #momentumUpdate()} moves its learnable
 * parameters towards the query's ({@code k = m k + (1 - m) q}) before each key forward. Its BN
 * layers run in train mode and keep their own running statistics, as in the official code.
 *
 * <p>Shuffle-BN: the official code shuffles the key batch across GPUs so that per-device BN
 * statistics cannot leak which key matches which query. On one device it has no effect and is
 * skipped: BN statistics are computed over the whole batch for both encoders. (The paper's
 * single-node HPT runs also train on several GPUs; on one device the leak is weaker with large
 * batches.)
 */
public final class MocoModel implements AutoCloseable {
  private final MocoConfig config;
  private final MocoEncoder query;
  private final MocoEncoder key;
  private final KeyQueue queue;
  private final List<Parameter[]> emaPairs = new ArrayList<>();

  /**
   * A fresh model: random backbone (engine RNG; seed it first), head and queue from {@code rng},
   * key encoder a copy of the query encoder.
   */
  public MocoModel(NDManager manager, ResNetConfig arch, MocoConfig config, Random rng) {
    this.config = config;
    this.query = new MocoEncoder(manager, arch, config.dim());
    this.key = new MocoEncoder(manager, arch, config.dim());
    ProjectionHead.reset(query.head(), rng);
    this.queue = KeyQueue.random(manager, config.queueSize(), config.dim(), rng);
    key.freezeAll(true);
    Map<String, Parameter> q = query.allParameters();
    Map<String, Parameter> k = key.allParameters();
    q.forEach(
        (name, p) -> {
          if (!ResNet.isRunningStat(p)) emaPairs.add(new Parameter[] {p, k.get(name)});
        });
    copyQueryToKey();
  }

  public MocoConfig config() {
    return config;
  }

  public MocoEncoder query() {
    return query;
  }

  public MocoEncoder key() {
    return key;
  }

  public KeyQueue queue() {
    return queue;
  }

  /** Key encoder := query encoder, all parameters and running statistics (HPT's start). */
  public void copyQueryToKey() {
    Map<String, Parameter> k = key.allParameters();
    query
        .allParameters()
        .forEach((name, p) -> TensorCopy.into(p.getArray(), k.get(name).getArray()));
  }

  /** {@code k = m k + (1 - m) q} for every learnable parameter, in place, without gradients. */
  public void momentumUpdate() {
    float m = (float) config.momentum();
    for (Parameter[] pair : emaPairs) {
      NDArray q = pair[0].getArray();
      NDArray k = pair[1].getArray();
      try (NDArray scaled = q.mul(1 - m)) {
        k.muli(m).addi(scaled);
      }
    }
  }

  /** L2-normalised key features [B, dim] of the key view, BN in train mode; no gradient graph. */
  public NDArray keys(NDArray keyView) {
    try (NDArray raw = key.project(keyView, true)) {
      return raw.normalize(2, 1);
    }
  }

  /** L2-normalised query features [B, dim]; call inside a gradient collector to train. */
  public NDArray queries(NDArray queryView) {
    return query.project(queryView, true).normalize(2, 1);
  }

  @Override
  public void close() {
    queue.close();
  }
}
