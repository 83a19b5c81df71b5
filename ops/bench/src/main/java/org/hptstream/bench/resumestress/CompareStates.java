package org.hptstream.bench.resumestress;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Comparator;
import org.hptstream.checkpoint.Checkpoint;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.model.ResNetConfig;

/**
 * ops/bench/resume-stress: compares the newest checkpoint of each store given after the reference
 * store with the reference's newest, tensor by tensor (every group: weights, key encoder, queue,
 * optimizer). Args: reference-store store... Prints "SAME <store>" or "DIFF <store> <what>".
 */
public class CompareStates {
  public static void main(String[] a) {
    try (NDManager m = NDManager.newBaseManager();
        Checkpoint ref = newest(Path.of(a[0]), m)) {
      for (int i = 1; i < a.length; i++) {
        String diff;
        try (NDManager s = m.newSubManager();
            Checkpoint c = newest(Path.of(a[i]), s)) {
          diff = difference(ref, c);
        } catch (RuntimeException e) {
          diff = "unreadable: " + e.getMessage();
        }
        System.out.println(diff == null ? "SAME " + a[i] : "DIFF " + a[i] + " " + diff);
      }
    }
  }

  private static Checkpoint newest(Path store, NDManager m) {
    LocalCheckpointStore s = new LocalCheckpointStore(store);
    CheckpointManifest last =
        s.list().stream().max(Comparator.comparingLong(CheckpointManifest::steps)).orElseThrow();
    return s.get(last.id(), ResNetConfig.parse(last.architecture()), m);
  }

  private static String difference(Checkpoint x, Checkpoint y) {
    if (!x.manifest().scalars().equals(y.manifest().scalars())) {
      return "scalars " + x.manifest().scalars() + " vs " + y.manifest().scalars();
    }
    if (!x.groups().equals(y.groups())) return "groups " + x.groups() + " vs " + y.groups();
    for (String g : x.groups()) {
      NDList lx = x.group(g);
      NDList ly = y.group(g);
      if (lx.size() != ly.size()) return g + ": " + lx.size() + " vs " + ly.size() + " tensors";
      for (int i = 0; i < lx.size(); i++) {
        NDArray ax = lx.get(i);
        NDArray ay = ly.get(i);
        if (!ax.getName().equals(ay.getName()) || !ax.contentEquals(ay)) {
          return g + "/" + ax.getName();
        }
      }
    }
    return null;
  }
}
