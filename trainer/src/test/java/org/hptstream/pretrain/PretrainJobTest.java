package org.hptstream.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hptstream.checkpoint.Checkpoint;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.moco.NonFiniteLossException;
import org.hptstream.model.ResNetConfig;
import org.hptstream.strategy.Strategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole jobs with the real checkpoint store: resume, NaN guard, chains. */
class PretrainJobTest {
  @TempDir Path tmp;

  private PretrainJob.Request request(
      Strategy s, Path parent, Path out, PretrainConfig c, boolean resume) {
    return new PretrainJob.Request(
        s, parent, TinyJobs.data(), "fashion-mnist", "t10k[0:1024]", out, c, resume, null);
  }

  @Test
  void stoppedAndResumedJobEndsBitIdenticalToAnUninterruptedOne() {
    PretrainConfig c = TinyJobs.config(6).withCheckpointEvery(3);
    List<Double> lossA = new ArrayList<>();
    PretrainJob.Result a =
        new PretrainJob()
            .addListener(
                new TrainingListener() {
                  @Override
                  public void onStep(StepReport r) {
                    lossA.add(r.loss());
                  }
                })
            .run(request(Strategy.TARGET, null, tmp.resolve("a"), c, false));
    assertThat(a.steps()).isEqualTo(6);

    PretrainJob first = new PretrainJob();
    first.addListener(
        new TrainingListener() {
          @Override
          public void onStep(StepReport r) {
            if (r.step() == 2) first.requestStop(); // stop off the periodic grid: step 2 of 6
          }
        });
    PretrainJob.Result stopped =
        first.run(request(Strategy.TARGET, null, tmp.resolve("b"), c, false));
    assertThat(stopped.steps()).isEqualTo(2);

    List<Double> lossB = new ArrayList<>();
    PretrainJob.Result b =
        new PretrainJob()
            .addListener(
                new TrainingListener() {
                  @Override
                  public void onStep(StepReport r) {
                    lossB.add(r.loss());
                  }
                })
            .run(request(Strategy.TARGET, null, tmp.resolve("b"), c, true));
    assertThat(b.resumedFrom()).isEqualTo(stopped.id());
    assertThat(b.steps()).isEqualTo(6);
    assertThat(lossB).containsExactlyElementsOf(lossA.subList(2, 6));
    assertSameState(tmp.resolve("a"), a.id(), tmp.resolve("b"), b.id(), c.arch());
  }

  @Test
  void nanLossStopsTheJobAndKeepsTheLastGoodCheckpoint() {
    PretrainConfig c = TinyJobs.config(6).withCheckpointEvery(1).withBaseLr(1e30);
    Path out = tmp.resolve("nan");
    assertThatThrownBy(() -> new PretrainJob().run(request(Strategy.TARGET, null, out, c, false)))
        .isInstanceOf(NonFiniteLossException.class);
    List<CheckpointManifest> kept = new LocalCheckpointStore(out).list();
    assertThat(kept)
        .isNotEmpty()
        .allMatch(m -> m.finalLoss() != null && Double.isFinite(m.finalLoss()));
    long newest =
        kept.stream().mapToLong(m -> m.scalars().get(JobCheckpoints.STEP)).max().orElseThrow();
    assertThat(newest).isLessThan(6);
  }

  @Test
  void chainTargetThenHptThenHptBnThenBaseRecordsParents() {
    Path store = tmp.resolve("chain");
    PretrainJob.Result base =
        new PretrainJob().run(request(Strategy.TARGET, null, store, TinyJobs.config(2), false));
    PretrainJob.Result hpt =
        new PretrainJob()
            .run(request(Strategy.HPT, base.checkpoint(), store, TinyJobs.config(2), false));
    PretrainJob.Result bn =
        new PretrainJob()
            .run(request(Strategy.HPT_BN, hpt.checkpoint(), store, TinyJobs.config(2), false));
    PretrainJob.Result recal =
        new PretrainJob()
            .run(
                request(Strategy.BASE_BN_RECAL, bn.checkpoint(), store, TinyJobs.config(2), false));
    PretrainJob.Result direct =
        new PretrainJob()
            .run(request(Strategy.BASE, recal.checkpoint(), store, TinyJobs.config(2), false));
    LocalCheckpointStore s = new LocalCheckpointStore(store);
    assertThat(s.manifest(hpt.id()).orElseThrow().parentId()).isEqualTo(base.id());
    assertThat(s.manifest(bn.id()).orElseThrow().parentId()).isEqualTo(hpt.id());
    assertThat(s.manifest(recal.id()).orElseThrow().parentId()).isEqualTo(bn.id());
    assertThat(direct.checkpoint()).isEqualTo(recal.checkpoint());
    assertThat(s.manifest(bn.id()).orElseThrow().normalization().mean()).hasSize(3);
  }

  @Test
  void aJobTrainsOnAThreadOtherThanTheOneThatLoadedTheEngine() throws Exception {
    ai.djl.engine.Engine.getInstance(); // loaded here (if not before): autograd is off here only
    PretrainConfig c = TinyJobs.config(2);
    java.util.concurrent.atomic.AtomicReference<Object> out =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                out.set(
                    new PretrainJob()
                        .run(request(Strategy.TARGET, null, tmp.resolve("thread"), c, false)));
              } catch (RuntimeException e) {
                out.set(e);
              }
            });
    t.start();
    t.join();
    assertThat(out.get()).isInstanceOf(PretrainJob.Result.class);
    assertThat(((PretrainJob.Result) out.get()).steps()).isEqualTo(2);
  }

  @Test
  void missingParentIsAClearError() {
    assertThatThrownBy(
            () ->
                new PretrainJob()
                    .run(
                        request(
                            Strategy.HPT,
                            tmp.resolve("nope"),
                            tmp.resolve("o"),
                            TinyJobs.config(1),
                            false)))
        .hasMessageContaining("not a checkpoint directory");
  }

  static void assertSameState(Path storeA, String idA, Path storeB, String idB, ResNetConfig arch) {
    try (NDManager m = NDManager.newBaseManager();
        Checkpoint ca = new LocalCheckpointStore(storeA).get(idA, arch, m);
        Checkpoint cb = new LocalCheckpointStore(storeB).get(idB, arch, m)) {
      assertThat(cb.groups())
          .isEqualTo(ca.groups())
          .contains("backbone", "head", "key_backbone", "key_head", "queue", "optimizer");
      assertThat(cb.manifest().scalars()).isEqualTo(ca.manifest().scalars());
      for (String g : ca.groups()) {
        NDList la = ca.group(g);
        NDList lb = cb.group(g);
        assertThat(lb.size()).isEqualTo(la.size());
        for (int i = 0; i < la.size(); i++) {
          NDArray x = la.get(i);
          NDArray y = lb.get(i);
          assertThat(y.getName()).isEqualTo(x.getName());
          assertThat(y.contentEquals(x)).as("%s/%s bit-identical", g, x.getName()).isTrue();
        }
      }
    }
  }
}
