package org.hptstream.pretrain;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.hptstream.checkpoint.CheckpointException;
import org.hptstream.checkpoint.CheckpointManifest.Normalization;
import org.hptstream.model.ResNetConfig;
import org.hptstream.model.WeightLoadException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hpt import}: parses options; the work is {@link BaseImport}'s. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Imports pretrained base weights (torchvision or MoCo v2 ResNet, as .npz from ops/tools/pth_to_npz.py)",
      "as a verified checkpoint (strategy base, 0 steps) usable as 'hpt pretrain --parent'.",
      "Prints the checkpoint directory on stdout:",
      "  parent=$(hpt import --weights moco_v2_800ep.npz --arch resnet50 --domain imagenet --out ckpt)",
      "  hpt pretrain --strategy hpt --parent \"$parent\" --data ... --out ckpt"
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:done",
      "1:the checkpoint could not be written",
      "2:bad input or options (nothing written)"
    })
public final class ImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--weights",
      required = true,
      description = "ResNet weights as .npz with torchvision names.")
  Path weights;

  @Option(
      names = "--arch",
      required = true,
      description =
          "Architecture id: resnet18, resnet50, ... (e.g. resnet18-w16-small-in1; see ResNetConfig).")
  String arch;

  @Option(
      names = "--domain",
      required = true,
      description = "Domain the base was trained on, e.g. imagenet.")
  String domain;

  @Option(names = "--out", required = true, description = "Checkpoint store directory.")
  Path out;

  @Option(
      names = "--mean",
      split = ",",
      paramLabel = "M",
      description =
          "Per-channel pixel mean on [0,1] the base was trained with (default ImageNet's 0.485,0.456,0.406).")
  List<Double> mean;

  @Option(
      names = "--std",
      split = ",",
      paramLabel = "S",
      description = "Per-channel pixel std (default ImageNet's 0.229,0.224,0.225).")
  List<Double> std;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    BaseImport.Request request;
    try {
      if ((mean == null) != (std == null))
        throw new IllegalArgumentException("give --mean and --std together");
      Normalization norm = mean == null ? null : new Normalization(mean, std);
      request = new BaseImport.Request(weights, ResNetConfig.parse(arch), domain, norm, out);
    } catch (IllegalArgumentException e) {
      err.println("hpt import: " + e.getMessage());
      return 2;
    }
    BaseImport.Result r;
    try {
      r = BaseImport.run(request);
    } catch (WeightLoadException e) {
      err.println("hpt import: " + e.getMessage());
      if (e.problems().stream()
          .anyMatch(p -> p.startsWith("shape mismatch") || p.startsWith("missing backbone"))) {
        err.println(
            "hpt import: do the weights really hold a "
                + request.arch().id()
                + "? Nothing was written.");
      }
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("hpt import: " + e.getMessage());
      return 2;
    } catch (CheckpointException | UncheckedIOException e) {
      err.println("hpt import: " + e.getMessage());
      return 1;
    }
    err.println("hpt import: " + r.load().summary());
    err.println(
        "hpt import: "
            + request.arch().id()
            + " base of domain "
            + r.manifest().domain()
            + " (sha256 "
            + r.sha256()
            + ") -> "
            + r.checkpoint());
    err.flush();
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.println(r.checkpoint());
    stdout.flush();
    return 0;
  }
}
