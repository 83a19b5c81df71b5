package org.hptstream.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hptstream.data.ImageSet;
import org.hptstream.features.FeatureCache;
import org.hptstream.health.HealthConfig;
import org.hptstream.knn.KnnConfig;
import org.hptstream.probe.LinearProbeConfig;
import org.hptstream.semisup.FineTuneConfig;
import org.hptstream.testing.Backbones;
import org.hptstream.testing.Fmnist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * All protocols end to end on a small real net ({@link Backbones#SMALL}, random init) and real
 * Fashion-MNIST: 2,000 train / 500 test images; the transfer target is the test split with inverted
 * intensities (a cheap, real domain shift). CPU schedules: probe 100 steps at batch 256; kNN k=20;
 * semi-supervised 100 labels, batch 32, 20 steps.
 */
class EvaluatorTest {
  static final EvaluationConfig CFG =
      EvaluationConfig.paper()
          .withProbe(LinearProbeConfig.paper().withSteps(100).withBatchSize(256))
          .withKnn(KnnConfig.defaults().withK(20))
          .withHealth(HealthConfig.defaults())
          .withSemisup(FineTuneConfig.paper().withLabels(100).withSchedule(32, 20).withValSize(200))
          .withSeed(3);
  static NDManager manager;
  static EvaluatedBackbone backbone;
  static final ImageSet TRAIN = Fmnist.train().slice(0, 2000);
  static final ImageSet TEST = Fmnist.test().slice(0, 500);

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager();
    backbone =
        new EvaluatedBackbone(
            "ck-random",
            "0123abcd",
            Backbones.random(1, manager),
            Backbones.stats(),
            EvaluatedBackbone.Transforms.nativeSize(28, Backbones.stats()));
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  static ImageSet inverted(ImageSet s) {
    byte[] p = s.pixels().clone();
    for (int i = 0; i < p.length; i++) {
      p[i] = (byte) (255 - (p[i] & 0xff));
    }
    return ImageSet.of(p, s.size(), s.channels(), s.height(), s.width(), s.labels());
  }

  @Test
  void everyProtocolReportsMetricsWithProvenanceAndSharesOneExtraction() {
    FeatureCache cache = new FeatureCache();
    Evaluator ev = new Evaluator(CFG, manager, cache);
    List<EvaluationResult> results =
        ev.evaluate(
            backbone,
            new EvaluationData(TRAIN, null, TEST, inverted(TEST)),
            List.of(
                Protocol.LINEAR,
                Protocol.KNN,
                Protocol.HEALTH,
                Protocol.TRANSFER,
                Protocol.SEMISUP));
    System.out.print(ResultFormat.table(results));
    // train, test, target test: each extracted once for four feature-based protocols.
    assertThat(cache.computed()).isEqualTo(3);
    assertThat(results)
        .extracting(r -> r.provenance().protocol())
        .containsExactly("linear", "knn", "health", "transfer", "semisup");
    for (EvaluationResult r : results) {
      Provenance p = r.provenance();
      assertThat(p.checkpointId()).isEqualTo("ck-random");
      assertThat(p.checkpointSha256()).isEqualTo("0123abcd");
      assertThat(p.architecture()).isEqualTo("resnet18-w8-small-in1");
      assertThat(p.seed()).isEqualTo(3);
      assertThat(p.wallSeconds()).isPositive();
      assertThat(p.parameters()).isNotEmpty();
      assertThat(p.splitSizes()).containsKey("test");
    }
    EvaluationResult linear = results.get(0);
    assertThat(linear.provenance().splitSizes())
        .containsEntry("train", 1800)
        .containsEntry("val", 200)
        .containsEntry("test", 500);
    assertThat(linear.provenance().parameters())
        .containsEntry("steps", 100)
        .containsEntry("mode", "features");
    assertThat(linear.metric("top1").orElseThrow().value()).isGreaterThan(0.3);
    assertThat(linear.metric("top1").orElseThrow().runs()).isEqualTo(3);
    assertThat(linear.metric("top5").orElseThrow().value())
        .isGreaterThan(linear.metric("top1").orElseThrow().value());
    assertThat(results.get(1).metric("top1").orElseThrow().value()).isGreaterThan(0.3);
    assertThat(results.get(2).metric("collapsed").orElseThrow().value()).isZero();
    assertThat(results.get(2).metric("effective_rank").orElseThrow().value()).isGreaterThan(2);
    EvaluationResult transfer = results.get(3);
    assertThat(transfer.metric("target_top1").orElseThrow().value())
        .isLessThan(transfer.metric("source_top1").orElseThrow().value());
    assertThat(transfer.provenance().splitSizes()).containsEntry("target_test", 500);
    EvaluationResult semi = results.get(4);
    assertThat(semi.provenance().splitSizes())
        .containsEntry("labelled", 100)
        .containsEntry("val", 200);
    assertThat(semi.metric("top1").orElseThrow().value()).isGreaterThan(0.15);
    assertThat(semi.metric("selected_lr").orElseThrow().value()).isIn(0.01, 0.001);

    String json = ResultFormat.json(results);
    assertThat(ResultFormat.parseJson(json)).isEqualTo(results);
    assertThat(json).contains("\"checkpointSha256\" : \"0123abcd\"");
  }

  @Test
  void paperModeProbeTrainsOnAugmentedViewsThroughTheFrozenBackbone() {
    EvaluationConfig paper =
        CFG.withProbe(
            LinearProbeConfig.paper()
                .withSteps(100)
                .withBatchSize(64)
                .withReruns(2)
                .withMode(LinearProbeConfig.Mode.PAPER));
    List<EvaluationResult> r =
        new Evaluator(paper, manager, new FeatureCache())
            .evaluate(
                backbone, new EvaluationData(TRAIN, null, TEST, null), List.of(Protocol.LINEAR));
    EvaluationResult linear = r.get(0);
    assertThat(linear.provenance().parameters()).containsEntry("mode", "paper");
    assertThat(linear.metric("top1").orElseThrow().runs()).isEqualTo(2);
    System.out.println("paper-mode probe " + linear.metrics());
    assertThat(linear.metric("top1").orElseThrow().value()).isGreaterThan(0.2);
  }

  @Test
  void sameSeedReproducesTheResults() {
    EvaluationData data = new EvaluationData(TRAIN, null, TEST, null);
    List<Protocol> ps = List.of(Protocol.LINEAR, Protocol.KNN, Protocol.HEALTH);
    List<EvaluationResult> a =
        new Evaluator(CFG, manager, new FeatureCache()).evaluate(backbone, data, ps);
    List<EvaluationResult> b =
        new Evaluator(CFG, manager, new FeatureCache()).evaluate(backbone, data, ps);
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i).metrics()).isEqualTo(a.get(i).metrics());
    }
  }

  @Test
  void badInputIsRejectedBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
    Evaluator ev = new Evaluator(CFG, manager, new FeatureCache(dir));
    List<Protocol> linear = List.of(Protocol.LINEAR);
    int[] labels = TEST.labels();
    labels[7] = 10;
    ImageSet outOfRange = ImageSet.of(TEST.pixels(), TEST.size(), 1, 28, 28, labels);
    assertThatThrownBy(
            () -> ev.evaluate(backbone, new EvaluationData(TRAIN, null, outOfRange, null), linear))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test split has label 10 (image 7) out of range [0, 10)");
    ImageSet empty = TEST.slice(0, 0);
    assertThatThrownBy(
            () -> ev.evaluate(backbone, new EvaluationData(TRAIN, null, empty, null), linear))
        .hasMessageContaining("test split is missing or empty");
    assertThatThrownBy(
            () -> ev.evaluate(backbone, new EvaluationData(null, null, TEST, null), linear))
        .hasMessageContaining("train split is missing or empty");
    assertThatThrownBy(
            () ->
                ev.evaluate(
                    backbone, new EvaluationData(TRAIN, null, TEST.withoutLabels(), null), linear))
        .hasMessageContaining("test split has no labels");
    assertThatThrownBy(
            () ->
                ev.evaluate(
                    backbone,
                    new EvaluationData(TRAIN, null, TEST, null),
                    List.of(Protocol.TRANSFER)))
        .hasMessageContaining("--target-test");
    ImageSet rgb = ImageSet.of(new byte[3 * 28 * 28 * 2], 2, 3, 28, 28, new int[] {0, 1});
    assertThatThrownBy(
            () -> ev.evaluate(backbone, new EvaluationData(TRAIN, null, rgb, null), linear))
        .hasMessageContaining("3-channel images, the backbone takes 1");
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }
}
