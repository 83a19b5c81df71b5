package org.hptstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hptstream.checkpoint.CheckpointDraft;
import org.hptstream.checkpoint.CheckpointManifest;
import org.hptstream.checkpoint.LocalCheckpointStore;
import org.hptstream.data.FashionMnist;
import org.hptstream.data.ImageSet;
import org.hptstream.model.ResNet;
import org.hptstream.model.ResNetConfig;
import org.hptstream.model.TorchvisionWeights;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate alone, on real backbones and real images: NaN, collapse, kNN against the parent. */
class PromotionGateTest {
  private static final ResNetConfig ARCH = new ResNetConfig(18, 8, true, 3);

  @TempDir Path tmp;
  private LocalCheckpointStore store;
  private ImageSet sample;
  private PromotionGate.Evidence labelled;

  @BeforeEach
  void data() throws Exception {
    store = new LocalCheckpointStore(tmp);
    ImageSet fm = FashionMnist.test();
    sample = fm.slice(0, 64).withoutLabels();
    labelled = new PromotionGate.Evidence(sample, fm.slice(100, 300), fm.slice(300, 400));
  }

  @Test
  void aHealthyCheckpointIsPromotedAndCompetesWithItsParent() {
    CheckpointManifest healthy = put("healthy", false);
    PromotionGate.Decision alone =
        gate(0.02).judge(store, healthy, null, new PromotionGate.Evidence(sample, null, null));
    assertThat(alone.promoted()).as(alone.reason()).isTrue();
    assertThat(alone.checks()).containsKeys("finalLoss", "relativeStd", "effectiveRank");

    PromotionGate.Decision same = gate(0.02).judge(store, healthy, healthy.id(), labelled);
    assertThat(same.promoted()).as(same.reason()).isTrue();
    assertThat(same.checks().get("knnTop1")).isEqualTo(same.checks().get("parentKnnTop1"));
    assertThat(same.checks().get("knnTop1")).isBetween(0.0, 1.0);

    // A tolerance below zero demands beating the parent: equal accuracy is then a drop.
    PromotionGate.Decision stricter = gate(-0.5).judge(store, healthy, healthy.id(), labelled);
    assertThat(stricter.promoted()).isFalse();
    assertThat(stricter.reason()).contains("below the parent");
  }

  @Test
  void aNonFiniteLossAndACollapsedRepresentationAreRejected() {
    CheckpointManifest healthy = put("healthy", false);
    CheckpointManifest nan =
        new CheckpointManifest(
            healthy.formatVersion(),
            healthy.id(),
            healthy.parentId(),
            healthy.domain(),
            "hpt",
            healthy.steps(),
            healthy.architecture(),
            healthy.normalization(),
            healthy.data(),
            healthy.createdAt(),
            Double.NaN,
            healthy.scalars(),
            healthy.files());
    PromotionGate.Decision d = gate(0.02).judge(store, nan, null, labelled);
    assertThat(d.promoted()).isFalse();
    assertThat(d.reason()).isEqualTo("non-finite loss");

    CheckpointManifest collapsed = put("collapsed", true);
    PromotionGate.Decision c = gate(0.02).judge(store, collapsed, healthy.id(), labelled);
    assertThat(c.promoted()).isFalse();
    assertThat(c.reason()).startsWith("collapsed representation");
  }

  private static PromotionGate gate(double tolerance) {
    PromotionGate.Config d = PromotionGate.Config.defaults();
    return new PromotionGate(new PromotionGate.Config(tolerance, d.knn(), d.health(), 64));
  }

  /** A random-init backbone, or one that maps every image to the same point. */
  private CheckpointManifest put(String domain, boolean collapsed) {
    try (NDManager m = NDManager.newBaseManager()) {
      ResNet net = ResNet.backbone(ARCH);
      net.initialize(m);
      NDList backbone = TorchvisionWeights.namedCopies(net.backboneParameters(), m);
      if (collapsed) {
        for (NDArray a : backbone) {
          a.muli(0);
          if (a.getName().endsWith("running_var")) {
            a.addi(1);
          } else if (a.getName().endsWith(".bias")) {
            a.addi(0.5f);
          }
        }
      }
      return store.put(
          new CheckpointDraft(
              null,
              domain,
              "target",
              1,
              ARCH,
              new CheckpointManifest.Normalization(
                  List.of(0.29, 0.29, 0.29), List.of(0.35, 0.35, 0.35)),
              new CheckpointManifest.DataStats(64, "test"),
              1.5,
              Map.of(),
              Map.of(CheckpointDraft.BACKBONE, backbone)));
    }
  }
}
