package org.hptstream.checkpoint;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.hptstream.checkpoint.CheckpointManifest.FileEntry;
import org.hptstream.data.Sha256;
import org.hptstream.model.Npz;
import org.hptstream.model.NpzLimits;
import org.hptstream.model.ResNetConfig;
import org.hptstream.topics.SafeNames;
import org.hptstream.topics.SafeNames.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CheckpointStore} in a local directory: one sub-directory per checkpoint, named by its
 * id, holding {@code manifest.json} and one {@code <group>.npz} per tensor group (DJL's NPZ
 * encoding, readable by numpy; {@code backbone.npz} has torchvision names). A checkpoint is written
 * into a hidden temp directory, fsync'ed, then renamed into place, so readers never see half a
 * checkpoint and a crash leaves only a {@code .tmp-*} directory that listing ignores (and {@link
 * #collectLeftovers} removes).
 */
public final class LocalCheckpointStore implements CheckpointStore {

  private static final Logger LOG = LoggerFactory.getLogger(LocalCheckpointStore.class);
  private static final String MANIFEST = "manifest.json";

  /** Hidden (not a valid id, so never listed): a write in progress. */
  private static final String TEMP_PREFIX = ".tmp-";

  /** Hidden: a delete in progress. */
  private static final String DELETED_PREFIX = ".del-";

  private final Path root;
  private final java.util.function.Consumer<String> trace;
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A store rooted at {@code root} (created if missing). */
  public LocalCheckpointStore(Path root) {
    this(root, step -> {});
  }

  /**
   * A store that reports each durability step of a write to {@code trace}, in order: {@code "write
   * <file>"}, {@code "fsync <file>"} per tensor file and the manifest, {@code "fsync-dir <tmp>"},
   * {@code "rename <id>"}, {@code "fsync-dir <root>"}. For tests that check the order (a kill
   * cannot show a missing fsync: the page cache survives it).
   */
  public LocalCheckpointStore(Path root, java.util.function.Consumer<String> trace) {
    this.trace = trace;
    try {
      this.root = Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create checkpoint directory " + root, e);
    }
  }

  /** The directory holding the checkpoints. */
  public Path root() {
    return root;
  }

  @Override
  public CheckpointManifest put(CheckpointDraft draft) {
    Path tmp = root.resolve(TEMP_PREFIX + UUID.randomUUID());
    try {
      Files.createDirectory(tmp);
      List<FileEntry> files = new ArrayList<>();
      for (Map.Entry<String, NDList> g : draft.groups().entrySet()) {
        files.add(writeGroup(tmp, g.getKey(), g.getValue(), trace));
      }
      String createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
      String id = newId(draft, createdAt, files);
      CheckpointManifest manifest =
          new CheckpointManifest(
              CheckpointManifest.FORMAT_VERSION,
              id,
              draft.parentId(),
              draft.domain(),
              draft.strategy(),
              draft.steps(),
              draft.architecture().id(),
              draft.normalization(),
              draft.data(),
              createdAt,
              draft.finalLoss(),
              draft.scalars(),
              files);
      Path manifestFile = tmp.resolve(MANIFEST);
      json.writeValue(manifestFile.toFile(), manifest);
      trace.accept("write " + MANIFEST);
      fsync(manifestFile);
      trace.accept("fsync " + MANIFEST);
      fsyncDirectory(tmp);
      trace.accept("fsync-dir " + tmp.getFileName());
      Path target = root.resolve(id);
      if (Files.exists(target)) {
        throw new CheckpointException("checkpoint " + id + " already exists in " + root);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      trace.accept("rename " + id);
      // The rename is durable only once the directory holding it is: before anyone hears of it.
      fsyncDirectory(root);
      trace.accept("fsync-dir " + root);
      LOG.info("stored checkpoint {} ({} files) in {}", id, files.size(), root);
      return manifest;
    } catch (IOException e) {
      throw new CheckpointException("cannot write checkpoint to " + root, e);
    } finally {
      deleteRecursively(tmp);
    }
  }

  @Override
  public Checkpoint get(
      String id, ResNetConfig architecture, Set<String> groups, NDManager manager) {
    CheckpointManifest manifest =
        manifest(id)
            .orElseThrow(() -> new CheckpointException("no checkpoint " + id + " in " + root));
    ResNetConfig stored;
    try {
      stored = ResNetConfig.parse(manifest.architecture());
    } catch (IllegalArgumentException e) {
      throw new CheckpointException("checkpoint " + id + ": bad architecture in manifest", e);
    }
    if (!stored.equals(architecture)) {
      throw new CheckpointException(
          "checkpoint " + id + " holds " + stored.id() + ", requested " + architecture.id());
    }
    Map<String, FileEntry> byGroup = new LinkedHashMap<>();
    manifest.files().forEach(f -> byGroup.put(f.group(), f));
    for (String g : groups) {
      if (!byGroup.containsKey(g)) {
        throw new CheckpointException(
            "checkpoint " + id + " has no group '" + g + "' (has " + byGroup.keySet() + ")");
      }
    }
    Path dir = root.resolve(id);
    Map<String, NDList> loaded = new LinkedHashMap<>();
    List<String> verified = new ArrayList<>();
    long bytes = 0;
    try {
      for (FileEntry f : manifest.files()) {
        Path file = fileOf(dir, f);
        if (groups.contains(f.group())) {
          byte[] data = Files.readAllBytes(file);
          check(id, f, data.length, Sha256.of(data));
          NDList list = Npz.decode(data, manager, NpzLimits.DEFAULT, file.toString());
          loaded.put(f.group(), list);
          if (list.size() != f.tensors()) {
            throw new CheckpointException(
                "checkpoint "
                    + id
                    + ": "
                    + f.name()
                    + " holds "
                    + list.size()
                    + " tensors, manifest says "
                    + f.tensors());
          }
        } else {
          long size = Files.size(file);
          check(id, f, size, size == f.size() ? Sha256.ofFile(file) : "(not hashed)");
        }
        verified.add(f.name());
        bytes += f.size();
      }
    } catch (IOException | RuntimeException e) {
      loaded.values().forEach(NDList::close);
      if (e instanceof CheckpointException ce) {
        throw ce;
      }
      throw new CheckpointException("checkpoint " + id + ": cannot read tensors", e);
    }
    Checkpoint checkpoint = new Checkpoint(manifest, loaded, verified, bytes);
    LOG.info("{}", checkpoint.report().summary());
    return checkpoint;
  }

  @Override
  public Optional<CheckpointManifest> manifest(String id) {
    if (!SafeNames.isValid(Kind.CHECKPOINT_ID, id)) {
      throw new CheckpointException("not a checkpoint id: '" + id + "'");
    }
    Path file = root.resolve(id).resolve(MANIFEST);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    CheckpointManifest m;
    try {
      m = json.readValue(file.toFile(), CheckpointManifest.class);
    } catch (IOException e) {
      throw new CheckpointException("checkpoint " + id + ": unreadable manifest", e);
    }
    if (m.formatVersion() > CheckpointManifest.FORMAT_VERSION || m.formatVersion() < 1) {
      throw new CheckpointException(
          "checkpoint "
              + id
              + " has format version "
              + m.formatVersion()
              + "; this build reads up to "
              + CheckpointManifest.FORMAT_VERSION);
    }
    if (!id.equals(m.id())) {
      throw new CheckpointException(
          "checkpoint directory " + id + " holds a manifest for " + m.id());
    }
    // The manifest names the files to open: a crafted one must not reach outside this directory.
    for (FileEntry f : m.files()) {
      if (f == null
          || !SafeNames.isValid(Kind.GROUP, f.group())
          || !(f.group() + ".npz").equals(f.name())) {
        throw new CheckpointException(
            "checkpoint "
                + id
                + ": manifest lists an invalid tensor file "
                + (f == null ? "null" : "'" + f.name() + "' (group '" + f.group() + "')"));
      }
    }
    return Optional.of(m);
  }

  @Override
  public List<CheckpointManifest> list() {
    List<CheckpointManifest> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path d : dirs) {
        String name = d.getFileName().toString();
        if (!SafeNames.isValid(Kind.CHECKPOINT_ID, name)) {
          continue;
        }
        try {
          manifest(name).ifPresent(out::add);
        } catch (CheckpointException e) {
          LOG.warn("skipping {}: {}", d, e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    out.sort(Comparator.comparing(CheckpointManifest::id));
    return out;
  }

  /**
   * Renames the checkpoint to a hidden {@code .del-*} directory (listing ignores it), makes that
   * durable, then deletes its files; a crash in between leaves a leftover that {@link
   * #collectLeftovers} removes.
   */
  @Override
  public boolean delete(String id) {
    if (!SafeNames.isValid(Kind.CHECKPOINT_ID, id)) {
      throw new CheckpointException("not a checkpoint id: '" + id + "'");
    }
    Path dir = root.resolve(id);
    if (!Files.isDirectory(dir)) {
      return false;
    }
    Path doomed = root.resolve(DELETED_PREFIX + id + "-" + UUID.randomUUID());
    try {
      Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
      fsyncDirectory(root);
      trace.accept("delete " + id);
    } catch (NoSuchFileException e) {
      return false; // deleted concurrently
    } catch (IOException e) {
      throw new CheckpointException("cannot delete checkpoint " + id + " in " + root, e);
    }
    deleteRecursively(doomed);
    LOG.info("deleted checkpoint {} from {}", id, root);
    return true;
  }

  /**
   * Removes {@code .del-*} directories (deletes that were interrupted) and {@code .tmp-*}
   * directories (writes that were interrupted) whose newest file is older than {@code minAge}.
   */
  @Override
  public int collectLeftovers(java.time.Duration minAge) {
    Instant cutoff = Instant.now().minus(minAge);
    int removed = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path d : dirs) {
        String name = d.getFileName().toString();
        boolean deleted = name.startsWith(DELETED_PREFIX);
        if (deleted || (name.startsWith(TEMP_PREFIX) && newest(d).isBefore(cutoff))) {
          deleteRecursively(d);
          removed++;
          LOG.info("removed the leftover {} of an interrupted {}", d, deleted ? "delete" : "write");
        }
      }
      if (removed > 0) {
        fsyncDirectory(root);
      }
    } catch (IOException e) {
      LOG.warn("cannot collect leftovers in {}: {}", root, e.getMessage());
    }
    return removed;
  }

  /** The newest modification time of a directory and its files. */
  private static Instant newest(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.map(
              p -> {
                try {
                  return Files.getLastModifiedTime(p).toInstant();
                } catch (IOException e) {
                  return Instant.now(); // vanishing: someone is at work there
                }
              })
          .max(Comparator.naturalOrder())
          .orElse(Instant.now());
    }
  }

  private static FileEntry writeGroup(
      Path dir, String group, NDList arrays, java.util.function.Consumer<String> trace)
      throws IOException {
    String name = group + ".npz";
    Path file = dir.resolve(name);
    MessageDigest digest = Sha256.digest();
    try (OutputStream out =
        new DigestOutputStream(
            new java.io.BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)),
            digest)) {
      arrays.encode(out, NDList.Encoding.NPZ);
    }
    trace.accept("write " + name);
    fsync(file);
    trace.accept("fsync " + name);
    return new FileEntry(name, group, arrays.size(), Files.size(file), Sha256.hex(digest));
  }

  private static String newId(CheckpointDraft d, String createdAt, List<FileEntry> files) {
    MessageDigest digest = Sha256.digest();
    digest.update(
        (createdAt + '|' + d.parentId() + '|' + d.domain() + '|' + d.strategy() + '|' + d.steps())
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    files.forEach(f -> digest.update(f.sha256().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    String hash = Sha256.hex(digest).substring(0, 8);
    return SafeNames.validate(
        Kind.CHECKPOINT_ID, d.domain() + "-" + d.strategy() + "-" + d.steps() + "-" + hash);
  }

  private static void check(String id, FileEntry f, long size, String sha) {
    if (size != f.size()) {
      throw new CheckpointException(
          "checkpoint "
              + id
              + ": "
              + f.name()
              + " has "
              + size
              + " bytes, manifest says "
              + f.size()
              + " (truncated or replaced)");
    }
    if (!sha.equals(f.sha256())) {
      throw new CheckpointException(
          "checkpoint " + id + ": " + f.name() + " fails its sha256 check (tampered or corrupt)");
    }
  }

  private static Path fileOf(Path dir, FileEntry f) {
    Path file = dir.resolve(SafeNames.validate(Kind.GROUP, f.group()) + ".npz");
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(
          "checkpoint " + dir.getFileName() + ": file " + f.name() + " is missing");
    }
    return file;
  }

  private static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Makes a directory's entries (a rename into it) durable; Linux allows fsync on a directory. */
  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  LOG.warn("cannot delete {}: {}", p, e.getMessage());
                }
              });
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException e) {
      LOG.warn("cannot clean up {}: {}", dir, e.getMessage());
    }
  }
}
