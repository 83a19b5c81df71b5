package org.hptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.CheckpointManifest.JobInput;
import org.hptstream.checkpoint.CheckpointManifest.OffsetSpan;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.hptstream.pretrain.JobCheckpoints;
import org.hptstream.pretrain.PretrainConfig;
import org.hptstream.pretrain.PretrainJob;
import org.hptstream.strategy.Strategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real jobs write real checkpoints into a store directory; the collector deletes what is over. */
class CheckpointCollectorTest {
  @TempDir Path tmp;

  @Test
  void deletesPeriodicCheckpointsOfFinishedJobsOnlyAndSparesParentsFinalsAndProtected()
      throws Exception {
    Path dir = tmp.resolve("store");
    LocalCheckpointStore store = new LocalCheckpointStore(dir);
    ImageSet data = FashionMnist.test().slice(0, 64).withoutLabels();
    PretrainConfig c = ServiceFixtures.tinyPolicy(3, 0).pretrainConfig(3).withCheckpointEvery(1);
    // Job a: periodic at steps 1 and 2, final at 3. Job b: HPT from a's step-1 checkpoint (a user
    // may name any checkpoint as a parent). Job c: unfinished, one periodic checkpoint. And a
    // command-line job without a service input.
    PretrainJob.Result a = run(Strategy.TARGET, null, data, dir, c, input("job-a"));
    List<CheckpointManifest> ofA = ofJob(store, "job-a");
    CheckpointManifest a1 = step(ofA, 1);
    CheckpointManifest a2 = step(ofA, 2);
    PretrainJob.Result b =
        run(Strategy.HPT, dir.resolve(a1.id()), data, dir, c.withSteps(1), input("job-b"));
    PretrainJob job = new PretrainJob();
    job.addListener(
        new org.hptstream.pretrain.TrainingListener() {
          @Override
          public void onStep(org.hptstream.pretrain.StepReport r) {
            job.requestStop(); // stops after step 1 with a periodic checkpoint
          }
        });
    job.run(request(Strategy.TARGET, null, data, dir, c, input("job-c")));
    CheckpointManifest c1 = step(ofJob(store, "job-c"), 1);
    run(Strategy.TARGET, null, data, dir, c.withSteps(2), null); // periodic at 1, final at 2
    List<String> cli =
        store.list().stream().filter(m -> m.data().job() == null).map(m -> m.id()).toList();
    assertThat(cli).hasSize(2);

    List<String> deleted =
        new CheckpointCollector(store).collect(in -> !in.jobId().equals("job-b"), Set.of(c1.id()));

    assertThat(deleted).containsExactly(a2.id());
    assertThat(store.list())
        .extracting(CheckpointManifest::id)
        .containsExactlyInAnyOrder(a1.id(), a.id(), b.id(), c1.id(), cli.get(0), cli.get(1));
    assertThat(dir.resolve(a2.id())).doesNotExist();
    assertThat(store.manifest(a.id())).isPresent();
  }

  private static CheckpointManifest step(List<CheckpointManifest> ms, long step) {
    return ms.stream()
        .filter(m -> m.scalars().get(JobCheckpoints.STEP) == step)
        .findFirst()
        .orElseThrow();
  }

  private static List<CheckpointManifest> ofJob(LocalCheckpointStore store, String jobId) {
    return store.list().stream()
        .filter(m -> m.data().job() != null && m.data().job().jobId().equals(jobId))
        .toList();
  }

  private static JobInput input(String jobId) {
    return new JobInput(jobId, List.of(new OffsetSpan("hpt.images.gc", 0, 0, 64)), "sha", null);
  }

  private static PretrainJob.Result run(
      Strategy s, Path parent, ImageSet data, Path dir, PretrainConfig c, JobInput in) {
    return new PretrainJob().run(request(s, parent, data, dir, c, in));
  }

  private static PretrainJob.Request request(
      Strategy s, Path parent, ImageSet data, Path dir, PretrainConfig c, JobInput in) {
    return new PretrainJob.Request(s, parent, data, "gc", "test", dir, c, false, null, in);
  }
}
