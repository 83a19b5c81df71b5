package org.hptstream.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import org.hptstream.checkpoint.Checkpoint;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.pretrain.events.CheckpointEvents;
import org.hptstream.strategy.Strategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continual training versus HPT: a job whose parent is of its own domain and strategy starts from
 * the parent's head, key encoder and queue; any other parent gives its backbone only. Real jobs,
 * real checkpoints, tensors compared.
 */
class ParentInitTest {
  private static final String DOMAIN = "fashion-mnist";

  @TempDir Path tmp;

  private static PretrainJob.Result run(
      Strategy s, Path parent, Path store, PretrainConfig c, String domain) {
    return new PretrainJob()
        .run(
            new PretrainJob.Request(
                s, parent, TinyJobs.data(), domain, "t10k[0:1024]", store, c, false, null));
  }

  @Test
  void aParentOfTheSameDomainAndStrategyIsContinuedAnyOtherGivesItsBackboneOnly() {
    Path dir = tmp.resolve("store");
    PretrainConfig c = TinyJobs.config(2);
    LocalCheckpointStore store = new LocalCheckpointStore(dir);
    // target -> hpt (another strategy: backbone only) -> hpt (the same lineage: continued)
    PretrainJob.Result target = run(Strategy.TARGET, null, dir, c, DOMAIN);
    PretrainJob.Result hpt = run(Strategy.HPT, target.checkpoint(), dir, c, DOMAIN);
    CheckpointManifest parent = store.manifest(hpt.id()).orElseThrow();
    assertThat(parent.scalars().get(JobCheckpoints.CONTINUED)).isZero();
    assertThat(ParentInit.decide(parent, DOMAIN, Strategy.HPT, c).mode())
        .isEqualTo(ParentInit.CONTINUED);
    assertThat(ParentInit.decide(parent, DOMAIN, Strategy.HPT_BN, c).mode())
        .isEqualTo(ParentInit.BACKBONE);
    assertThat(ParentInit.decide(parent, "xray", Strategy.HPT, c).mode())
        .isEqualTo(ParentInit.BACKBONE);
    assertThat(
            ParentInit.decide(parent, DOMAIN, Strategy.HPT, c.withMoco(c.moco().withQueueSize(256)))
                .mode())
        .isEqualTo(ParentInit.BACKBONE);

    try (NDManager m = NDManager.newBaseManager();
        PretrainSession continued = session(hpt.checkpoint(), DOMAIN, c);
        PretrainSession fromOtherDomain = session(hpt.checkpoint(), "xray", c);
        Checkpoint saved =
            store.get(hpt.id(), org.hptstream.model.ResNetConfig.parse(parent.architecture()), m)) {
      assertThat(continued.init()).isEqualTo(ParentInit.CONTINUED);
      Map<String, NDList> start = continued.capture(m);
      for (String g :
          new String[] {
            TrainState.BACKBONE,
            TrainState.HEAD,
            TrainState.KEY_BACKBONE,
            TrainState.KEY_HEAD,
            TrainState.QUEUE
          }) {
        assertSame(start.get(g), saved.group(g), "continued " + g);
      }
      assertThat(continued.model().queue().pointer())
          .isEqualTo(parent.scalars().get(JobCheckpoints.QUEUE_PTR).intValue())
          .isPositive();
      // Its own schedule: step 0 at the full learning rate, like any fresh job.
      assertThat(continued.step()).isZero();
      assertThat(continued.lr()).isEqualTo(fromOtherDomain.lr()).isPositive();

      assertThat(fromOtherDomain.init()).isEqualTo(ParentInit.BACKBONE);
      Map<String, NDList> hptStart = fromOtherDomain.capture(m);
      assertSame(hptStart.get(TrainState.BACKBONE), saved.group(TrainState.BACKBONE), "backbone");
      assertThat(equal(hptStart.get(TrainState.QUEUE), saved.group(TrainState.QUEUE)))
          .as("HPT's queue is fresh")
          .isFalse();
      assertThat(equal(hptStart.get(TrainState.HEAD), saved.group(TrainState.HEAD)))
          .as("HPT's head is fresh")
          .isFalse();
      assertThat(equal(hptStart.get(TrainState.KEY_BACKBONE), saved.group(TrainState.KEY_BACKBONE)))
          .as("HPT's key encoder is a copy of its query encoder, not the parent's key encoder")
          .isFalse();
      assertThat(fromOtherDomain.model().queue().pointer()).isZero();
    }

    // A continued job records it in its checkpoints and its event.
    PretrainJob.Result next = run(Strategy.HPT, hpt.checkpoint(), dir, c, DOMAIN);
    CheckpointManifest child = store.manifest(next.id()).orElseThrow();
    assertThat(child.scalars().get(JobCheckpoints.CONTINUED)).isEqualTo(1L);
    assertThat(child.parentId()).isEqualTo(hpt.id());
    assertThat(CheckpointEvents.of(child, next.checkpoint(), java.util.List.of(), 1).getContinued())
        .isTrue();
    assertThat(CheckpointEvents.of(parent, hpt.checkpoint(), java.util.List.of(), 1).getContinued())
        .isFalse();
  }

  private static PretrainSession session(Path parent, String domain, PretrainConfig c) {
    try (NDManager parentMem = NDManager.newBaseManager()) {
      ParentModel p = JobCheckpoints.loadParent(parent, parentMem, domain, Strategy.HPT, c);
      return new PretrainSession(Strategy.HPT, c, TinyJobs.data(), p, null);
    }
  }

  private static void assertSame(NDList actual, NDList expected, String what) {
    assertThat(actual.size()).as(what).isEqualTo(expected.size());
    for (NDArray e : expected) {
      NDArray a = actual.get(e.getName());
      assertThat(a).as("%s/%s present", what, e.getName()).isNotNull();
      assertThat(a.contentEquals(e)).as("%s/%s equal", what, e.getName()).isTrue();
    }
  }

  private static boolean equal(NDList a, NDList b) {
    for (NDArray e : b) {
      if (!a.get(e.getName()).contentEquals(e)) {
        return false;
      }
    }
    return true;
  }
}
