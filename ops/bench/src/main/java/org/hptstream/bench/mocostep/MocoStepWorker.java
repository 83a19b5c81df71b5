package org.hptstream.bench.mocostep;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.Random;
import org.hptstream.moco.MocoConfig;
import org.hptstream.moco.MocoModel;
import org.hptstream.moco.MocoTrainer;
import org.hptstream.model.ResNetConfig;
import org.hptstream.optim.Sgd;

/**
 * Our side of ops/bench/moco-step: MoCo v2 with a small-image ResNet-18 (width 64, 512-512-128
 * head, K 4096) in DJL. Line protocol on stdin: "step B N" times N training steps at batch B on
 * fresh random views, "feat B N" N forward-only feature extractions (backbone, eval mode, no
 * autograd); each answers "wall cpu": seconds per call (median of N), wall clock and CPU time of
 * the computing thread (with one libtorch thread all compute runs on it; robust when the box is
 * oversubscribed). Views are made before the timer starts, as in the PyTorch worker, so both time
 * the same work.
 */
public class MocoStepWorker {
  static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    int size = Integer.parseInt(args[0]);
    Engine.getInstance().setRandomSeed(0);
    try (NDManager root = NDManager.newBaseManager()) {
      MocoModel model =
          new MocoModel(
              root,
              new ResNetConfig(18, 64, true, 3),
              new MocoConfig(128, 4096, 0.999, 0.2),
              new Random(0));
      Sgd sgd =
          Sgd.builder()
              .momentum(0.9)
              .group("backbone", model.query().backboneParameters(), 1, 1e-4)
              .group("head", prefixed(model.query().headParameters()), 1, 1e-4)
              .build();
      MocoTrainer trainer = new MocoTrainer(model, null, sgd, 0);
      System.out.println("ready");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
      String line;
      long step = 0;
      while ((line = in.readLine()) != null) {
        String[] p = line.trim().split(" ");
        int b = Integer.parseInt(p[1]);
        int n = Integer.parseInt(p[2]);
        double[] t = new double[n];
        double[] cpu = new double[n];
        for (int i = 0; i < n; i++) {
          try (NDManager sm = root.newSubManager()) {
            NDArray q = sm.randomNormal(new Shape(b, 3, size, size));
            NDArray k = sm.randomNormal(new Shape(b, 3, size, size));
            long c0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            if (p[0].equals("step")) {
              trainer.trainOnViews(q, k, step++, 0.03 * b / 256);
            } else {
              model.query().features(q, false).toFloatArray(); // forces completion
            }
            t[i] = (System.nanoTime() - t0) / 1e9;
            cpu[i] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e9;
          }
        }
        java.util.Arrays.sort(t);
        java.util.Arrays.sort(cpu);
        System.out.println(t[n / 2] + " " + cpu[n / 2]);
      }
    }
  }

  static <V> java.util.Map<String, V> prefixed(java.util.Map<String, V> m) {
    java.util.Map<String, V> out = new java.util.LinkedHashMap<>();
    m.forEach((k, v) -> out.put("head." + k, v));
    return out;
  }
}
