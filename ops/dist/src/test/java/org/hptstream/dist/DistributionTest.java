package org.hptstream.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.hptstream.stack.FreePort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive of {@code mvn -B package -Pdist}, as a user gets it: unpacked into a temporary
 * directory and run through its {@code bin/hpt} with a clean {@code HOME}, no {@code HPT_*}
 * variables and no repository around (the working directory is the empty home). It starts its own
 * stack on free ports, ingests a few images into it, pretrains two steps and stops the stack; the
 * installation directory must be unchanged afterwards (data goes to {@code ~/.local/share/hpt}).
 *
 * <p>Runs when the archive exists (CI builds it before {@code mvn -B verify}); skipped otherwise.
 */
class DistributionTest {

  private static final Path ARCHIVE = Path.of(System.getProperty("hpt.dist.archive", "missing"));
  private static final String VERSION = System.getProperty("hpt.dist.version", "?");

  @TempDir Path tmp;

  private Path install;
  private Path home;
  private Path dataHome;
  private int kafkaPort;
  private int controllerPort;
  private int registryPort;

  @AfterEach
  void stopTheStack() throws Exception {
    if (home != null && Files.exists(dataHome.resolve("stack/kafka.pid"))) {
      hpt(120, "stack", "down"); // leave nothing running if an assertion failed half-way
    }
  }

  @Test
  void unpackedArchiveRunsStackIngestAndPretrainFromACleanHome() throws Exception {
    assumeTrue(
        Files.isRegularFile(ARCHIVE),
        "no archive at " + ARCHIVE + ": build it with `mvn -B package -Pdist -DskipTests`");
    unpack();
    List<String> before = installedFiles();

    Result version = hpt(300, "--version");
    assertThat(version.exit).as(version.output).isZero();
    assertThat(version.output)
        .contains("hpt " + VERSION + " (commit ")
        .contains("flavour cpu")
        .contains("device cpu()")
        .contains("install  " + install)
        .contains("home     " + dataHome);

    kafkaPort = FreePort.pick();
    controllerPort = FreePort.pick();
    registryPort = FreePort.pick();
    Result up =
        hpt(
            400,
            "stack",
            "up",
            "--kafka-port",
            String.valueOf(kafkaPort),
            "--controller-port",
            String.valueOf(controllerPort),
            "--registry-port",
            String.valueOf(registryPort),
            "--timeout",
            "300");
    assertThat(up.exit).as(up.output).isZero();
    assertThat(up.output).contains("data in " + dataHome.resolve("stack"));
    String bootstrap = "127.0.0.1:" + kafkaPort;
    String registry = "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7";
    String[] connection = {"--bootstrap-servers", bootstrap, "--schema-registry-url", registry};

    Result status = hpt(120, concat(new String[] {"stack", "status"}, connection));
    assertThat(status.exit).as(status.output).isZero();

    Path images = pngs(tmp.resolve("images"), 48);
    Result ingest =
        hpt(
            300,
            concat(
                new String[] {"ingest", "--domain", "dist-test", "--no-progress"},
                connection,
                new String[] {images.toString()}));
    assertThat(ingest.exit).as(ingest.output).isZero();
    assertThat(ingest.output).contains("48 images").contains("hpt.images.dist-test");

    Path store = tmp.resolve("ckpts");
    Result pretrain =
        hpt(
            600,
            "pretrain",
            "--strategy",
            "target",
            "--profile",
            "cpu-small",
            "--data",
            images.toString(),
            "--steps",
            "2",
            "--batch-size",
            "16",
            "--queue-size",
            "64",
            "--no-progress",
            "--out",
            store.toString());
    assertThat(pretrain.exit).as(pretrain.output).isZero();
    String checkpoint =
        pretrain.output.lines().filter(l -> l.startsWith(store.toString())).findFirst().orElse("");
    assertThat(Path.of(checkpoint).resolve("manifest.json")).as(pretrain.output).isRegularFile();

    Result down = hpt(120, "stack", "down");
    assertThat(down.exit).as(down.output).isZero();
    assertThat(down.output).contains("kafka     stopped").contains("registry  stopped");

    // Everything it wrote went to HOME (data, libtorch cache) and --out; the installation is as
    // unpacked, and nothing appeared next to it.
    assertThat(installedFiles()).isEqualTo(before);
    assertThat(dataHome.resolve("stack/logs/kafka.log")).isRegularFile();
    try (Stream<Path> beside = Files.list(install.getParent())) {
      assertThat(beside.map(p -> p.getFileName().toString()).toList())
          .containsExactly(install.getFileName().toString());
    }
  }

  @Test
  void launcherRefusesAJavaOlderThan17AndSaysWhatItNeeds() throws Exception {
    assumeTrue(Files.isRegularFile(ARCHIVE), "no archive at " + ARCHIVE);
    unpack();
    // A "java" that reports Java 11 the way `java -XshowSettings:properties -version` does.
    Path fakeJdk = tmp.resolve("jdk11");
    Path java = fakeJdk.resolve("bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(
        java, "#!/bin/sh\necho '    java.specification.version = 11' >&2\necho 'openjdk 11' >&2\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

    Result r = run(60, Map.of("JAVA_HOME", fakeJdk.toString()), "--version");
    assertThat(r.exit).isEqualTo(1);
    assertThat(r.output).contains("Java 11").contains("hpt needs Java 17 or newer");
  }

  private void unpack() throws Exception {
    install = tmp.resolve("install");
    home = tmp.resolve("home");
    dataHome = home.resolve(".local/share/hpt");
    Files.createDirectories(install);
    Files.createDirectories(home);
    Process tar =
        new ProcessBuilder("tar", "-xzf", ARCHIVE.toString(), "-C", install.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tar.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(tar.exitValue()).as(out).isZero();
    install = install.resolve("hpt-" + VERSION);
    assertThat(install.resolve("bin/hpt")).isExecutable();
    assertThat(install.resolve("LICENSE")).isRegularFile();
    assertThat(install.resolve("NOTICE")).isRegularFile();
    assertThat(install.resolve("THIRD-PARTY.txt")).isRegularFile();
    assertThat(install.resolve("README.md")).isRegularFile();
  }

  private List<String> installedFiles() throws IOException {
    try (Stream<Path> all = Files.walk(install)) {
      return all
          .map(p -> install.relativize(p) + " " + p.toFile().length())
          .collect(Collectors.toCollection(TreeSet::new))
          .stream()
          .toList();
    }
  }

  private static Path pngs(Path dir, int count) throws IOException {
    Files.createDirectories(dir);
    Random rng = new Random(7);
    for (int i = 0; i < count; i++) {
      BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
      int base = rng.nextInt(0xFFFFFF);
      for (int y = 0; y < 40; y++) {
        for (int x = 0; x < 40; x++) {
          img.setRGB(x, y, (base + (x * 7 + y * 13) * (i + 1) + rng.nextInt(64)) & 0xFFFFFF);
        }
      }
      ImageIO.write(img, "png", dir.resolve("img-" + i + ".png").toFile());
    }
    return dir;
  }

  private Result hpt(int timeoutSeconds, String... args) throws Exception {
    return run(timeoutSeconds, Map.of(), args);
  }

  /** bin/hpt with a clean environment: HOME, PATH, and what the test adds. */
  private Result run(int timeoutSeconds, Map<String, String> extraEnv, String... args)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(install.resolve("bin/hpt").toString());
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("HOME", home.toString());
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
    env.put(
        "HPT_JAVA_OPTS", "-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1");
    env.putAll(extraEnv);
    Path log = Files.createTempFile(tmp, "hpt-", ".log");
    Process p =
        pb.redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    String output = Files.readString(log);
    Files.delete(log);
    System.out.println("$ hpt " + String.join(" ", args) + "\n" + output);
    return new Result(p.isAlive() ? -1 : p.exitValue(), output);
  }

  private static String[] concat(String[]... parts) {
    return Arrays.stream(parts).flatMap(Arrays::stream).toArray(String[]::new);
  }

  private record Result(int exit, String output) {}
}
