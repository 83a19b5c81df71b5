package org.hptstream.trainer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.CheckpointManifest.JobInput;
import org.hptstream.checkpoint.CheckpointStore;
import org.hptstream.pretrain.JobCheckpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the checkpoints no job can use any more: the periodic ones (resume points) of service
 * jobs that are over, i.e. whose final checkpoint was announced or whose failure was recorded (the
 * group's offsets moved past their input, so no instance resumes them).
 *
 * <p>Never deleted: a final checkpoint, a checkpoint without a service job (command line, import),
 * one that any checkpoint in the store names as its parent, and the ids the caller protects (the
 * domain's promoted checkpoint, the parents of jobs in progress).
 */
final class CheckpointCollector {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointCollector.class);

  private final CheckpointStore store;

  CheckpointCollector(CheckpointStore store) {
    this.store = store;
  }

  /**
   * @param over true for the input of a job that is over
   * @param protect ids never to delete
   * @return the ids deleted
   */
  List<String> collect(Predicate<JobInput> over, Set<String> protect) {
    List<CheckpointManifest> all = store.list();
    Set<String> keep = new HashSet<>(protect);
    all.stream().map(CheckpointManifest::parentId).filter(Objects::nonNull).forEach(keep::add);
    List<String> deleted = new ArrayList<>();
    for (CheckpointManifest m : all) {
      JobInput in = m.data() == null ? null : m.data().job();
      if (in == null || isFinal(m) || keep.contains(m.id()) || !over.test(in)) {
        continue;
      }
      try {
        if (store.delete(m.id())) {
          deleted.add(m.id());
        }
      } catch (RuntimeException e) {
        LOG.warn("cannot delete periodic checkpoint {}: {}", m.id(), e.getMessage());
      }
    }
    if (!deleted.isEmpty()) {
      LOG.info("deleted {} periodic checkpoint(s) of finished jobs: {}", deleted.size(), deleted);
    }
    return deleted;
  }

  /** A job's last checkpoint: its step is the job's total. */
  static boolean isFinal(CheckpointManifest m) {
    Long step = m.scalars().get(JobCheckpoints.STEP);
    Long total = m.scalars().get(JobCheckpoints.TOTAL_STEPS);
    return step != null && step.equals(total);
  }
}
