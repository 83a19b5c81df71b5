package org.hptstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hptstream.tensor.TensorCopy;

/**
 * Import and export of ResNet weights as {@code .npz} files keyed by torchvision {@code state_dict}
 * names: torchvision checkpoints, MoCo v2 checkpoints (converted with {@code
 * ops/tools/pth_to_npz.py}) and our own exports ({@code ops/tools/npz_to_pth.py} turns those back
 * into a {@code .pth} that {@code torchvision.models.resnet50().load_state_dict} accepts).
 *
 * <p>Loading matches tensors by NAME, never by position, after stripping one known prefix ({@link
 * #PREFIXES}: MoCo's {@code module.encoder_q.}, {@code encoder_q.}, DataParallel's {@code module.},
 * OpenSelfSup's {@code backbone.}). It is all-or-nothing: every backbone tensor (BN running stats
 * included) must be present with the model's shape, and every key must be understood (backbone,
 * {@code fc}, a projection head {@code fc.N.*}/{@code neck.*}/{@code head.*}, MoCo's key encoder or
 * queue, or {@code num_batches_tracked}); otherwise a {@link WeightLoadException} lists all
 * problems and the model is not modified. A silently skipped tensor (probe at chance) cannot
 * happen.
 *
 * <p>{@code NDManager.load} is not supported by DJL's PyTorch engine; DJL's own {@link
 * NDList#decode(NDManager, InputStream)} reads npz (uncompressed or deflated), so no extra library;
 * {@link Npz} bounds it first.
 */
public final class TorchvisionWeights {

  /** Key prefixes stripped on import, tried in this order. */
  public static final List<String> PREFIXES =
      List.of("module.encoder_q.", "encoder_q.", "module.", "backbone.", "");

  private static final String BATCH_COUNTER = "num_batches_tracked";

  private TorchvisionWeights() {}

  /**
   * Loads the backbone from an npz file; {@code fc} is also loaded when the model has one and the
   * file's {@code fc.weight}/{@code fc.bias} have its shape, and otherwise reported as skipped.
   *
   * @throws WeightLoadException listing every problem (model unchanged)
   */
  public static LoadReport loadBackbone(ResNet model, Path npz) {
    return loadFile(model, npz, false);
  }

  /**
   * Loads backbone AND {@code fc}; fails if the model has no fc or the file's fc does not fit.
   *
   * @throws WeightLoadException listing every problem (model unchanged)
   */
  public static LoadReport loadAll(ResNet model, Path npz) {
    return loadFile(model, npz, true);
  }

  private static LoadReport loadFile(ResNet model, Path npz, boolean requireFc) {
    NDManager owner = anyArray(model).getManager();
    try (NDManager scratch = owner.newSubManager()) {
      return load(model, read(npz, scratch), npz.getFileName().toString(), requireFc);
    }
  }

  /**
   * Reads all arrays of an npz file, named by their keys, into {@code manager}, within {@link
   * NpzLimits#DEFAULT}.
   *
   * @throws WeightLoadException if the file is missing, truncated, not an npz or beyond the limits
   */
  public static NDList read(Path npz, NDManager manager) {
    return read(npz, manager, NpzLimits.DEFAULT);
  }

  /**
   * Reads all arrays of an npz file, named by their keys, into {@code manager}; every array's
   * header is checked against {@code limits} before anything is allocated (see {@link Npz}).
   *
   * @throws WeightLoadException if the file is missing, truncated, not an npz or beyond the limits
   */
  public static NDList read(Path npz, NDManager manager, NpzLimits limits) {
    try {
      return Npz.read(npz, manager, limits);
    } catch (IOException | RuntimeException e) {
      throw new WeightLoadException(npz.toString(), e);
    }
  }

  /**
   * Copies named arrays into the model's parameters (in place, so optimizers and gradients keep
   * working). See the class comment for the matching rules.
   *
   * @param source description for messages and the report
   * @param requireFc whether {@code fc} must be loaded too
   * @throws WeightLoadException listing every problem (model unchanged)
   */
  public static LoadReport load(ResNet model, NDList named, String source, boolean requireFc) {
    Map<String, NDArray> byKey = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (NDArray a : named) {
      if (a.getName() == null || byKey.put(a.getName(), a) != null) {
        problems.add("unnamed or duplicate array " + a.getName());
      }
    }
    String prefix = detectPrefix(byKey.keySet());
    if (prefix == null) {
      problems.add(
          "no conv1.weight under any known prefix "
              + PREFIXES.subList(0, 4)
              + " (keys start with "
              + byKey.keySet().stream().limit(3).toList()
              + ")");
      throw new WeightLoadException(source, problems);
    }
    Map<String, Parameter> backbone = model.backboneParameters();
    Map<String, Parameter> fc = model.fcParameters();
    Map<Parameter, NDArray> copies = new LinkedHashMap<>();
    Set<String> missing = new LinkedHashSet<>(backbone.keySet());
    List<String> skippedHead = new ArrayList<>();
    List<String> skippedOther = new ArrayList<>();
    Map<String, NDArray> fcFound = new LinkedHashMap<>();
    int counters = 0;
    for (Map.Entry<String, NDArray> e : byKey.entrySet()) {
      String key = e.getKey();
      NDArray value = e.getValue();
      if (key.endsWith(BATCH_COUNTER)) {
        counters++;
        continue;
      }
      if (!key.startsWith(prefix)) {
        if (key.contains("encoder_k.") || key.endsWith("queue") || key.endsWith("queue_ptr")) {
          skippedOther.add(key);
        } else if (isHead(key) || isHead(key.substring(key.indexOf('.') + 1))) {
          skippedHead.add(key);
        } else {
          problems.add("unexpected key " + key);
        }
        continue;
      }
      String name = key.substring(prefix.length());
      Parameter target = backbone.get(name);
      if (target != null) {
        missing.remove(name);
        checkShape(key, value, target, problems);
        copies.put(target, value);
      } else if (name.equals("fc.weight") || name.equals("fc.bias")) {
        fcFound.put(name, value);
      } else if (isHead(name)) {
        skippedHead.add(key);
      } else {
        problems.add("unexpected key " + key);
      }
    }
    missing.forEach(n -> problems.add("missing backbone tensor " + prefix + n));
    boolean fcFits =
        !fc.isEmpty()
            && fcFound.size() == 2
            && fcFound.entrySet().stream()
                .allMatch(
                    f -> f.getValue().getShape().equals(fc.get(f.getKey()).getArray().getShape()));
    if (fcFits) {
      fcFound.forEach((n, v) -> copies.put(fc.get(n), v));
    } else {
      fcFound.keySet().forEach(n -> skippedHead.add(prefix + n));
      if (requireFc) {
        problems.add(
            fc.isEmpty()
                ? "fc required but the model has no classifier"
                : "fc required but the source's fc "
                    + shapes(fcFound)
                    + " does not fit "
                    + shapes(Map.of("fc.weight", fc.get("fc.weight").getArray())));
      }
    }
    for (Map.Entry<Parameter, NDArray> c : copies.entrySet()) {
      DataType t = c.getValue().getDataType();
      if (!t.isFloating()) {
        problems.add(c.getValue().getName() + ": dtype " + t + " is not floating point");
      }
    }
    if (!problems.isEmpty()) {
      throw new WeightLoadException(source, problems);
    }
    ParameterCopy.copyValidated(copies);
    return new LoadReport(
        source,
        backbone.size() - missing.size(),
        backbone.size(),
        fcFits,
        prefix,
        skippedHead,
        skippedOther,
        counters);
  }

  /**
   * Writes the model's tensors as an uncompressed npz with torchvision names (backbone, running
   * stats included, and {@code fc} if {@code includeFc} and present), atomically.
   */
  public static void export(ResNet model, boolean includeFc, Path npz) {
    Map<String, Parameter> params =
        includeFc ? model.namedParameters() : model.backboneParameters();
    NDManager owner = anyArray(model).getManager();
    try (NDManager scratch = owner.newSubManager()) {
      writeNpz(namedCopies(params, scratch), npz);
    }
  }

  /**
   * Writes named arrays as an uncompressed npz, atomically: into a temp file next to {@code npz},
   * then renamed over it, so readers never see a partial file.
   */
  public static void writeNpz(NDList named, Path npz) {
    try {
      Path dir = npz.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, npz.getFileName().toString(), ".tmp");
      try {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
          named.encode(out, NDList.Encoding.NPZ);
        }
        Files.move(tmp, npz, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + npz, e);
    }
  }

  /** Copies of the parameters' arrays in {@code manager}, each named by its map key, in order. */
  public static NDList namedCopies(Map<String, Parameter> params, NDManager manager) {
    NDList list = new NDList(params.size());
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray copy = TensorCopy.of(e.getValue().getArray(), manager);
      copy.setName(e.getKey());
      list.add(copy);
    }
    return list;
  }

  private static String detectPrefix(Set<String> keys) {
    for (String p : PREFIXES) {
      if (keys.contains(p + "conv1.weight")) {
        return p;
      }
    }
    return null;
  }

  private static boolean isHead(String name) {
    return name.startsWith("fc.") || name.startsWith("neck.") || name.startsWith("head.");
  }

  private static void checkShape(
      String key, NDArray value, Parameter target, List<String> problems) {
    if (!value.getShape().equals(target.getArray().getShape())) {
      problems.add(
          "shape mismatch "
              + key
              + ": file "
              + value.getShape()
              + ", model "
              + target.getArray().getShape());
    }
  }

  private static String shapes(Map<String, NDArray> arrays) {
    Map<String, String> s = new LinkedHashMap<>();
    arrays.forEach((k, v) -> s.put(k, v.getShape().toString()));
    return s.toString();
  }

  private static NDArray anyArray(ResNet model) {
    Parameter first = model.backboneParameters().values().iterator().next();
    if (!first.isInitialized()) {
      throw new IllegalStateException("initialize the model before loading weights");
    }
    return first.getArray();
  }
}
