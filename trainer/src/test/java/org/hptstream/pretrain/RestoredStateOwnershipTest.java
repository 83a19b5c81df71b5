package org.hptstream.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hptstream.checkpoint.Checkpoint;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.strategy.Strategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restored job owns every tensor it restored: weights, key encoder, queue and optimizer state
 * stay put when the checkpoint's arrays (from_blob views of direct buffers) are overwritten, closed
 * and collected.
 */
class RestoredStateOwnershipTest {
  @TempDir Path tmp;

  @Test
  void restoredStateDoesNotChangeWhenTheCheckpointArraysAreOverwrittenAndFreed() {
    PretrainConfig c = TinyJobs.config(4);
    LocalCheckpointStore store = new LocalCheckpointStore(tmp);
    try (NDManager m = NDManager.newBaseManager();
        PretrainSession a = new PretrainSession(Strategy.TARGET, c, TinyJobs.data(), null, null);
        PretrainSession b = new PretrainSession(Strategy.TARGET, c, TinyJobs.data(), null, null)) {
      a.runStep();
      a.runStep(); // momentum buffers exist and the queue holds real keys
      CheckpointManifest saved =
          JobCheckpoints.save(
              store,
              a,
              new JobCheckpoints.JobKey("t", "target", null, a.config(), a.channelStats()),
              "test",
              TinyJobs.data().size(),
              null);

      try (NDManager given = NDManager.newBaseManager();
          Checkpoint cp = store.get(saved.id(), c.arch(), given)) {
        Map<String, NDList> groups = new LinkedHashMap<>();
        for (String g : cp.groups()) groups.put(g, cp.group(g));
        b.restore(
            groups,
            Math.toIntExact(saved.scalars().get(JobCheckpoints.QUEUE_PTR)),
            saved.scalars().get(JobCheckpoints.STEP));
        for (NDList g : groups.values()) {
          for (NDArray x : g) x.set(new NDIndex("..."), 77);
        }
        assertSameState(m, a, b, "after the checkpoint's arrays were overwritten");
      }
      collectGarbage();
      assertSameState(m, a, b, "after the checkpoint's arrays were freed");
      a.runStep();
      b.runStep();
      assertSameState(m, a, b, "one step later");
    }
  }

  private static void assertSameState(
      NDManager m, PretrainSession a, PretrainSession b, String when) {
    try (NDManager scope = m.newSubManager()) {
      Map<String, NDList> sa = a.capture(scope);
      Map<String, NDList> sb = b.capture(scope);
      assertThat(sb.keySet()).isEqualTo(sa.keySet());
      sa.forEach(
          (group, la) -> {
            NDList lb = sb.get(group);
            for (int i = 0; i < la.size(); i++) {
              assertThat(lb.get(i).contentEquals(la.get(i)))
                  .as("%s/%s %s", group, la.get(i).getName(), when)
                  .isTrue();
            }
          });
    }
  }

  /** Frees unreachable direct buffers, so memory a dangling alias points to is released. */
  static void collectGarbage() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      byte[][] churn = new byte[64][];
      for (int j = 0; j < churn.length; j++) churn[j] = new byte[1 << 16];
    }
  }
}
