package org.hptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hptstream.stack.HptPaths;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Keeps {@code docker-compose.yml} and the CLI in step: every {@code HPT_*} variable a compose
 * service sets must be one that some {@code hpt} option reads as its default ({@code
 * ${env:NAME...}}), whatever subcommands are registered.
 */
class ComposeEnvironmentTest {

  private static final Pattern ENV_REFERENCE =
      Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)");

  @Test
  void composeServicesSetOnlyEnvironmentVariablesTheCliReads() throws Exception {
    Path compose = HptPaths.requireRepo().resolve("docker-compose.yml");
    assertThat(compose).isRegularFile();

    run(List.of("config", "-q"), compose); // validates the file (no engine needed)
    JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(run(List.of("config"), compose));

    Map<String, String> composeKeys = new TreeMap<>(); // HPT_* key -> services that set it
    config
        .path("services")
        .fields()
        .forEachRemaining(
            service ->
                service
                    .getValue()
                    .path("environment")
                    .fieldNames()
                    .forEachRemaining(
                        key -> {
                          if (key.startsWith("HPT_")) {
                            composeKeys.merge(key, service.getKey(), (a, b) -> a + ", " + b);
                          }
                        }));
    Set<String> cliNames = cliEnvironmentNames(Hpt.newCommandLine());

    assertThat(composeKeys).as("HPT_* variables set by compose services").isNotEmpty();
    assertThat(cliNames).as("env names in the CLI's option defaults").isNotEmpty();
    composeKeys.forEach(
        (key, services) ->
            assertThat(cliNames)
                .as(
                    "%s (set by compose service(s) %s) is read by no hpt option; the CLI reads %s",
                    key, services, cliNames)
                .contains(key));
  }

  /** The hpt tool services' commands are valid {@code hpt} command lines (options, arity). */
  @Test
  void toolServicesRunCommandsTheCliAccepts() throws Exception {
    Path compose = HptPaths.requireRepo().resolve("docker-compose.yml");
    JsonNode services =
        new ObjectMapper(new YAMLFactory())
            .readTree(run(List.of("config"), compose))
            .path("services");
    List<String> tools = new ArrayList<>();
    services
        .fields()
        .forEachRemaining(
            service -> {
              JsonNode spec = service.getValue();
              if (!spec.path("build")
                  .path("dockerfile")
                  .asText()
                  .endsWith("ops/docker/Dockerfile")) {
                return;
              }
              tools.add(service.getKey());
              // The image's ENTRYPOINT is ["hpt"]; a service may replace it with ["hpt",
              // <subcommand>...].
              List<String> argv = new ArrayList<>(List.of("hpt"));
              if (spec.has("entrypoint")) {
                argv.clear();
                spec.get("entrypoint").forEach(a -> argv.add(a.asText()));
              }
              spec.path("command").forEach(a -> argv.add(a.asText()));
              assertThat(argv.get(0)).as("%s runs hpt", service.getKey()).isEqualTo("hpt");
              List<String> args = argv.subList(1, argv.size());
              try {
                Hpt.newCommandLine().parseArgs(args.toArray(String[]::new));
              } catch (CommandLine.ParameterException e) {
                fail(
                    "compose service %s: `hpt %s` does not parse: %s",
                    service.getKey(), String.join(" ", args), e.getMessage());
              }
            });
    assertThat(tools).as("services built from ops/docker/Dockerfile").isNotEmpty();
  }

  @Test
  void cliEnvironmentNamesAreFoundInNestedSubcommands() {
    @CommandLine.Command(name = "leaf")
    class Leaf {
      @CommandLine.Option(names = "--x", defaultValue = "${env:HPT_LEAF_X:-1}")
      int x;
    }
    @CommandLine.Command(name = "root")
    class Root {}
    CommandLine root = new CommandLine(new Root()).addSubcommand(new CommandLine(new Leaf()));
    assertThat(cliEnvironmentNames(root)).containsExactly("HPT_LEAF_X");
  }

  /** Env names in {@code ${env:NAME...}} option defaults, over the whole command tree. */
  static Set<String> cliEnvironmentNames(CommandLine command) {
    command.setInterpolateVariables(false); // read the defaults as written, not as resolved here
    return envNames(command);
  }

  private static Set<String> envNames(CommandLine command) {
    Set<String> names = new TreeSet<>();
    for (OptionSpec option : command.getCommandSpec().options()) {
      String raw = option.defaultValue();
      if (raw != null) {
        Matcher m = ENV_REFERENCE.matcher(raw);
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    for (CommandLine sub : command.getSubcommands().values()) {
      names.addAll(envNames(sub));
    }
    return names;
  }

  /** Runs Debian's docker-compose (works without a Docker engine); fails if it is missing. */
  private static String run(List<String> args, Path compose)
      throws IOException, InterruptedException {
    Path binary = findOnPath("docker-compose");
    if (binary == null) {
      fail(
          "docker-compose is not installed (Debian package docker-compose; .ci/run installs it): "
              + "this test validates docker-compose.yml with `docker-compose config -q`");
    }
    List<String> command = new ArrayList<>(List.of(binary.toString(), "-f", compose.toString()));
    command.addAll(args);
    Path errors = Files.createTempFile("docker-compose", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("docker-compose finished").isTrue();
      assertThat(p.exitValue())
          .as("docker-compose %s failed:%n%s", String.join(" ", args), Files.readString(errors))
          .isZero();
      return out;
    } finally {
      Files.deleteIfExists(errors);
    }
  }

  private static Path findOnPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
