package org.hptstream.pretrain;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hptstream.checkpoint.CheckpointDraft;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.CheckpointManifest.Normalization;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.data.Sha256;
import org.hptstream.model.LoadReport;
import org.hptstream.model.ResNet;
import org.hptstream.model.ResNetConfig;
import org.hptstream.model.TorchvisionWeights;
import org.hptstream.model.WeightLoadException;
import org.hptstream.topics.DomainNames;

/**
 * Turns pretrained base weights (torchvision or MoCo v2 ResNet weights as an {@code .npz} with
 * torchvision names, e.g. from {@code ops/tools/pth_to_npz.py}) into a verified checkpoint that an
 * HPT job can take as its parent: strategy {@value #STRATEGY}, 0 steps, no parent, backbone group
 * only.
 *
 * <p>The weights are loaded into a fresh backbone with {@link TorchvisionWeights#loadBackbone}
 * (all-or-nothing by name; every missing, mis-shaped or unknown tensor is listed), and the
 * checkpoint is written from that model, so what is stored is exactly what a load accepted. Nothing
 * is written unless the whole load succeeded. The manifest's data source records the file and its
 * SHA-256.
 */
public final class BaseImport {
  /** Strategy label of imported checkpoints (HPT's "base"). */
  public static final String STRATEGY = "base";

  /**
   * ImageNet's per-channel pixel mean/std, the normalisation torchvision and MoCo v2 models were
   * trained with.
   */
  public static final Normalization IMAGENET =
      new Normalization(List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225));

  private BaseImport() {}

  /**
   * What to import.
   *
   * @param weights npz with torchvision names (MoCo / DataParallel / OpenSelfSup prefixes are
   *     stripped)
   * @param arch architecture the weights are for
   * @param domain domain the base was trained on (e.g. {@code imagenet}), valid by {@link
   *     DomainNames}
   * @param normalization pixel mean/std the base was trained with; null for {@link #IMAGENET} (only
   *     for 3-channel architectures)
   * @param out checkpoint store directory
   */
  public record Request(
      Path weights, ResNetConfig arch, String domain, Normalization normalization, Path out) {
    /** Checks everything that can be checked without reading the weights. */
    public Request {
      if (weights == null || arch == null || out == null) {
        throw new IllegalArgumentException("weights, arch and out are required");
      }
      domain = domain == null ? "" : domain.toLowerCase(Locale.ROOT);
      DomainNames.validate(domain);
      if (normalization == null) {
        if (arch.inChannels() != 3) {
          throw new IllegalArgumentException(
              arch.id()
                  + " has "
                  + arch.inChannels()
                  + " input channel(s): give its mean/std (the ImageNet default has 3)");
        }
        normalization = IMAGENET;
      }
      if (normalization.mean().size() != arch.inChannels()) {
        throw new IllegalArgumentException(
            "mean/std have "
                + normalization.mean().size()
                + " values, "
                + arch.id()
                + " has "
                + arch.inChannels()
                + " input channel(s)");
      }
    }
  }

  /**
   * @param checkpoint directory of the new checkpoint ({@code <out>/<id>}), usable as {@code
   *     --parent}
   * @param manifest its manifest
   * @param load what the weight load loaded and skipped
   * @param sha256 SHA-256 of the weights file
   */
  public record Result(
      Path checkpoint, CheckpointManifest manifest, LoadReport load, String sha256) {}

  /**
   * Loads, verifies and stores; see the class comment.
   *
   * @throws WeightLoadException if the file is unreadable or does not fit {@code arch} (nothing
   *     written)
   * @throws org.hptstream.checkpoint.CheckpointException if the checkpoint cannot be written
   */
  public static Result run(Request r) {
    String sha = sha256(r.weights());
    try (NDManager m = NDManager.newBaseManager()) {
      ResNet net = ResNet.backbone(r.arch());
      net.initialize(m);
      LoadReport report = TorchvisionWeights.loadBackbone(net, r.weights());
      NDList backbone = TorchvisionWeights.namedCopies(net.backboneParameters(), m);
      Path abs = r.weights().toAbsolutePath().normalize();
      // Image count unknown: weight files do not record the base's training data.
      CheckpointDraft draft =
          new CheckpointDraft(
              null,
              r.domain(),
              STRATEGY,
              0,
              r.arch(),
              r.normalization(),
              new CheckpointManifest.DataStats(0, abs + " sha256:" + sha),
              null,
              Map.of(),
              Map.of(CheckpointDraft.BACKBONE, backbone));
      LocalCheckpointStore store =
          new LocalCheckpointStore(r.out()); // created only once the load succeeded
      CheckpointManifest manifest = store.put(draft);
      return new Result(
          store.root().toAbsolutePath().resolve(manifest.id()), manifest, report, sha);
    }
  }

  private static String sha256(Path file) {
    try {
      return Sha256.ofFile(file);
    } catch (IOException e) {
      throw new WeightLoadException(file.toString(), e);
    }
  }
}
