package org.hptstream.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hptstream.checkpoint.CheckpointManifest.DataStats;
import org.hptstream.checkpoint.CheckpointManifest.FileEntry;
import org.hptstream.checkpoint.CheckpointManifest.Normalization;
import org.hptstream.data.Sha256;
import org.hptstream.model.LoadReport;
import org.hptstream.model.ResNet;
import org.hptstream.model.ResNetConfig;
import org.hptstream.model.TorchvisionWeights;
import org.hptstream.testkit.CraftedFiles;
import org.hptstream.topics.SafeNames;
import org.hptstream.topics.SafeNames.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCheckpointStoreTest {

  private static final ResNetConfig ARCH = ResNetConfig.parse("resnet18-w4-small-in1");

  @TempDir Path dir;
  private NDManager manager;
  private LocalCheckpointStore store;
  private ResNet model;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    store = new LocalCheckpointStore(dir.resolve("ckpt"));
    Engine.getInstance().setRandomSeed(11);
    model = ResNet.backbone(ARCH);
    model.initialize(manager);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private CheckpointDraft draft(String domain, long steps, String parent) {
    NDArray headW = manager.randomNormal(new Shape(8, 32));
    headW.setName("0.weight");
    NDArray queue = manager.randomNormal(new Shape(16, 8));
    queue.setName("queue");
    return new CheckpointDraft(
        parent,
        domain,
        "hpt",
        steps,
        ARCH,
        new Normalization(List.of(0.286), List.of(0.353)),
        new DataStats(60_000, "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"),
        1.25,
        Map.of("step", steps, "queue_ptr", 4L, "seed", 7L),
        Map.of(
            CheckpointDraft.BACKBONE,
            TorchvisionWeights.namedCopies(model.backboneParameters(), manager),
            "head",
            new NDList(headW),
            "queue",
            new NDList(queue)));
  }

  @Test
  void deleteRemovesACheckpointAtomicallyAndLeavesTheOthers() throws IOException {
    List<String> trace = new java.util.ArrayList<>();
    LocalCheckpointStore traced = new LocalCheckpointStore(dir.resolve("ckpt"), trace::add);
    CheckpointManifest a = traced.put(draft("mnist", 1, null));
    CheckpointManifest b = traced.put(draft("mnist", 2, a.id()));

    assertThat(traced.delete(a.id())).isTrue();
    assertThat(traced.delete(a.id())).as("gone already").isFalse();
    assertThat(traced.list()).extracting(CheckpointManifest::id).containsExactly(b.id());
    assertThat(traced.manifest(a.id())).isEmpty();
    try (var entries = Files.list(traced.root())) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .as("no directory left behind")
          .containsExactly(b.id());
    }
    assertThat(trace).endsWith("delete " + a.id());
    assertThatThrownBy(() -> traced.delete("../x")).isInstanceOf(CheckpointException.class);
  }

  @Test
  void collectLeftoversRemovesInterruptedWritesAndDeletesButSparesFreshOnes() throws IOException {
    CheckpointManifest kept = store.put(draft("mnist", 1, null));
    Path root = store.root();
    Path oldWrite = Files.createDirectories(root.resolve(".tmp-old"));
    Files.writeString(oldWrite.resolve("backbone.npz"), "half");
    java.nio.file.attribute.FileTime hourAgo =
        java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600));
    Files.setLastModifiedTime(oldWrite.resolve("backbone.npz"), hourAgo);
    Files.setLastModifiedTime(oldWrite, hourAgo);
    Path freshWrite = Files.createDirectories(root.resolve(".tmp-fresh"));
    Files.writeString(freshWrite.resolve("backbone.npz"), "in progress");
    Path interruptedDelete = Files.createDirectories(root.resolve(".del-x-1"));
    Files.writeString(interruptedDelete.resolve("head.npz"), "x");

    assertThat(store.collectLeftovers(java.time.Duration.ofMinutes(10))).isEqualTo(2);

    assertThat(oldWrite).doesNotExist();
    assertThat(interruptedDelete).doesNotExist();
    assertThat(freshWrite).as("a write perhaps still in progress").exists();
    assertThat(store.list()).extracting(CheckpointManifest::id).containsExactly(kept.id());
    assertThat(store.get(kept.id(), ARCH, manager).report().summary()).isNotEmpty();
  }

  @Test
  void roundTripRestoresEveryGroupAndReportsWhatItLoaded() {
    CheckpointDraft d = draft("Fashion-MNIST", 500, "imagenet-base-800ep");
    CheckpointManifest written = store.put(d);
    assertThat(written.id()).matches("fashion-mnist-hpt-500-[0-9a-f]{8}");
    assertThat(written.files())
        .extracting(CheckpointManifest.FileEntry::name)
        .containsExactlyInAnyOrder("backbone.npz", "head.npz", "queue.npz");
    assertThat(store.root().resolve(written.id()).resolve("manifest.json")).isRegularFile();
    assertThat(store.manifest(written.id())).contains(written);

    Engine.getInstance().setRandomSeed(12);
    ResNet fresh = ResNet.backbone(ARCH);
    fresh.initialize(manager);
    try (Checkpoint c = store.get(written.id(), ARCH, manager)) {
      assertThat(c.report().verifiedFiles()).hasSize(3);
      assertThat(c.report().loadedTensors())
          .containsEntry("backbone", model.backboneParameters().size())
          .containsEntry("head", 1)
          .containsEntry("queue", 1);
      assertThat(c.scalar("queue_ptr")).hasValue(4L);
      assertThat(c.manifest().parentId()).isEqualTo("imagenet-base-800ep");
      assertThat(c.manifest().finalLoss()).isEqualTo(1.25);
      assertThat(c.manifest().normalization().mean()).containsExactly(0.286);
      LoadReport report = c.loadBackboneInto(fresh);
      assertThat(report.loadedBackbone()).isEqualTo(model.backboneParameters().size());
      for (Map.Entry<String, Parameter> e : model.backboneParameters().entrySet()) {
        assertThat(
                fresh
                    .backboneParameters()
                    .get(e.getKey())
                    .getArray()
                    .contentEquals(e.getValue().getArray()))
            .as(e.getKey())
            .isTrue();
      }
      assertThat(c.group("queue").get("queue").contentEquals(d.groups().get("queue").get("queue")))
          .isTrue();

      ai.djl.nn.core.Linear head = ResNet.linear(32, 8);
      head.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 32));
      Map<String, Parameter> headParams = Map.of("0.weight", head.getParameters().get("weight"));
      assertThat(c.loadGroupInto("head", headParams)).isEqualTo(1);
      assertThat(
              headParams
                  .get("0.weight")
                  .getArray()
                  .contentEquals(d.groups().get("head").get("0.weight")))
          .isTrue();
      Map<String, Parameter> withBias =
          Map.of(
              "0.weight",
              head.getParameters().get("weight"),
              "0.bias",
              head.getParameters().get("bias"));
      assertThatThrownBy(() -> c.loadGroupInto("head", withBias))
          .hasMessageContaining("group head")
          .hasMessageContaining("missing tensor 0.bias");
    }
    try (Checkpoint onlyBackbone = store.get(written.id(), ARCH, Set.of("backbone"), manager)) {
      assertThat(onlyBackbone.groups()).containsExactly("backbone");
      assertThat(onlyBackbone.report().verifiedFiles()).hasSize(3);
      assertThatThrownBy(() -> onlyBackbone.group("head")).hasMessageContaining("was not loaded");
    }
  }

  @Test
  void listAndLatestSkipDebrisAndUnreadableEntries() throws IOException {
    CheckpointManifest first = store.put(draft("xview", 100, null));
    CheckpointManifest second = store.put(draft("xview", 200, first.id()));
    CheckpointManifest other = store.put(draft("resisc", 300, null));
    Files.createDirectories(store.root().resolve(".tmp-crashed"));
    Files.createDirectories(store.root().resolve("broken-entry"));
    Files.writeString(store.root().resolve("broken-entry/manifest.json"), "{not json");
    assertThat(store.list())
        .extracting(CheckpointManifest::id)
        .containsExactlyInAnyOrder(first.id(), second.id(), other.id());
    assertThat(store.latest("xview")).map(CheckpointManifest::id).contains(second.id());
    assertThat(store.latest("uc-merced")).isEmpty();
  }

  @Test
  void truncatedFileIsRefused() throws IOException {
    CheckpointManifest m = store.put(draft("xview", 100, null));
    Path backbone = store.root().resolve(m.id()).resolve("backbone.npz");
    try (RandomAccessFile f = new RandomAccessFile(backbone.toFile(), "rw")) {
      f.setLength(f.length() - 100);
    }
    assertThatThrownBy(() -> store.get(m.id(), ARCH, manager))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("backbone.npz has")
        .hasMessageContaining("truncated");
  }

  @Test
  void tamperedFileIsRefusedEvenWhenNotRequested() throws IOException {
    CheckpointManifest m = store.put(draft("xview", 100, null));
    Path head = store.root().resolve(m.id()).resolve("head.npz");
    byte[] bytes = Files.readAllBytes(head);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(head, bytes);
    assertThatThrownBy(() -> store.get(m.id(), ARCH, Set.of("backbone"), manager))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("head.npz fails its sha256 check");
  }

  @Test
  void missingFileOtherArchitectureOrNewerFormatIsRefused() throws IOException {
    CheckpointManifest m = store.put(draft("xview", 100, null));
    assertThatThrownBy(() -> store.get(m.id(), ARCH.withWidth(8), manager))
        .hasMessageContaining("holds resnet18-w4-small-in1, requested resnet18-w8-small-in1");
    ResNet other = ResNet.backbone(ARCH.withWidth(8));
    try (Checkpoint c = store.get(m.id(), ARCH, manager)) {
      assertThatThrownBy(() -> c.loadBackboneInto(other))
          .hasMessageContaining("the model is resnet18-w8-small-in1");
    }
    assertThatThrownBy(() -> store.get(m.id(), ARCH, Set.of("key_encoder"), manager))
        .hasMessageContaining("no group 'key_encoder'");
    assertThatThrownBy(() -> store.get("xview-hpt-1-00000000", ARCH, manager))
        .hasMessageContaining("no checkpoint");
    assertThatThrownBy(() -> store.manifest("../etc")).hasMessageContaining("not a checkpoint id");

    Path manifest = store.root().resolve(m.id()).resolve("manifest.json");
    Files.writeString(
        manifest,
        Files.readString(manifest).replace("\"formatVersion\" : 1", "\"formatVersion\" : 2"));
    assertThatThrownBy(() -> store.get(m.id(), ARCH, manager))
        .hasMessageContaining("format version 2");

    CheckpointManifest n = store.put(draft("xview", 101, null));
    Files.delete(store.root().resolve(n.id()).resolve("queue.npz"));
    assertThatThrownBy(() -> store.get(n.id(), ARCH, Set.of("backbone"), manager))
        .hasMessageContaining("queue.npz is missing");
  }

  @Test
  void incompleteBackboneIsRejectedBeforeAnythingIsWritten() {
    NDList partial = TorchvisionWeights.namedCopies(model.backboneParameters(), manager);
    partial.remove("layer2.0.bn1.running_var");
    assertThatThrownBy(
            () ->
                new CheckpointDraft(
                    null,
                    "xview",
                    "hpt",
                    1,
                    ARCH,
                    new Normalization(List.of(0.5), List.of(0.25)),
                    new DataStats(1, "x"),
                    null,
                    Map.of(),
                    Map.of(CheckpointDraft.BACKBONE, partial)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing [layer2.0.bn1.running_var]");
    assertThat(store.list()).isEmpty();
  }

  @Test
  void exportedBackboneIsATorchvisionNamedNpz() {
    CheckpointManifest m = store.put(draft("xview", 100, null));
    Path npz = dir.resolve("export/backbone.npz");
    store.exportBackbone(m.id(), npz);
    Engine.getInstance().setRandomSeed(13);
    ResNet fresh = ResNet.backbone(ARCH);
    fresh.initialize(manager);
    LoadReport report = TorchvisionWeights.loadBackbone(fresh, npz);
    assertThat(report.strippedPrefix()).isEmpty();
    assertThat(report.loadedBackbone()).isEqualTo(model.backboneParameters().size());
    NDArray x = manager.randomNormal(new Shape(2, 1, 16, 16));
    assertThat(fresh.forward(x, false).contentEquals(model.forward(x, false))).isTrue();
  }

  @Test
  void namesFollowOneRuleSoAWrittenDomainIsReadBack() {
    // A folder named _scans: the domain derived from it is written and read back.
    String domain = SafeNames.derive(Kind.DOMAIN, "_scans");
    assertThat(domain).isEqualTo("scans");
    CheckpointManifest m = store.put(draft(domain, 3, null));
    assertThat(store.manifest(m.id())).contains(m);
    try (Checkpoint c = store.get(m.id(), ARCH, manager)) {
      assertThat(c.manifest().domain()).isEqualTo("scans");
    }
    assertThat(store.list()).extracting(CheckpointManifest::id).containsExactly(m.id());
    // A name the rule refuses is refused when written, not after.
    assertThatThrownBy(() -> draft("_scans", 3, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid domain name '_scans'");
    assertThatThrownBy(() -> draft("a..b", 3, null)).hasMessageContaining("no '..'");
  }

  @Test
  void aCraftedManifestGroupCannotReadOutsideTheCheckpoint() throws Exception {
    CheckpointManifest m = store.put(draft("xview", 7, null));
    Path ckpt = store.root().resolve(m.id());
    // A valid npz outside the checkpoint directory, listed with its true size and hash.
    Path outside = dir.resolve("outside.npz");
    Files.copy(ckpt.resolve("queue.npz"), outside);
    List<FileEntry> files = new java.util.ArrayList<>(m.files());
    for (String group : new String[] {"../../outside", "..", "a/b", "Queue"}) {
      files.add(
          new FileEntry(group + ".npz", group, 1, Files.size(outside), Sha256.ofFile(outside)));
    }
    writeManifest(ckpt, withFiles(m, files));
    assertThatThrownBy(() -> store.manifest(m.id()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("invalid tensor file '../../outside.npz'");
    assertThatThrownBy(() -> store.get(m.id(), ARCH, Set.of("queue"), manager))
        .isInstanceOf(CheckpointException.class);
    assertThat(store.list()).isEmpty();
  }

  @Test
  void aCraftedTensorFileIsRefusedBeforeDecoding() throws Exception {
    CheckpointManifest m = store.put(draft("xview", 8, null));
    Path ckpt = store.root().resolve(m.id());
    // Replaced by a small file declaring a 40 GB array, with a manifest that vouches for it.
    Path queue = ckpt.resolve("queue.npz");
    Files.write(queue, CraftedFiles.npz("queue", "<f4", "100000, 100000", 0));
    String sha = Sha256.ofFile(queue);
    List<FileEntry> files =
        m.files().stream()
            .map(
                f ->
                    f.group().equals("queue")
                        ? new FileEntry(f.name(), f.group(), 1, sizeOf(queue), sha)
                        : f)
            .toList();
    writeManifest(ckpt, withFiles(m, files));
    assertThatThrownBy(() -> store.get(m.id(), ARCH, manager))
        .isInstanceOf(CheckpointException.class)
        .hasStackTraceContaining("array of 40000000000 bytes, more than the limit");
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static CheckpointManifest withFiles(CheckpointManifest m, List<FileEntry> files) {
    return new CheckpointManifest(
        m.formatVersion(),
        m.id(),
        m.parentId(),
        m.domain(),
        m.strategy(),
        m.steps(),
        m.architecture(),
        m.normalization(),
        m.data(),
        m.createdAt(),
        m.finalLoss(),
        m.scalars(),
        files);
  }

  private static void writeManifest(Path ckpt, CheckpointManifest m) throws IOException {
    new com.fasterxml.jackson.databind.ObjectMapper()
        .writeValue(ckpt.resolve("manifest.json").toFile(), m);
  }
}
