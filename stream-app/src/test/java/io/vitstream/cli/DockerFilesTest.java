package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.google.gson.Gson;
import io.vitstream.app.AppConfig;
import io.vitstream.metrics.MetricsHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine.ParseResult;

/**
 * The files under {@code docker/} against the real CLI, without a Docker engine: every command the
 * images and compose run parses (an unknown command or option fails here, not in a container), and
 * Prometheus scrapes the port the app serves {@code /metrics} on.
 */
class DockerFilesTest {
  private static final Path DOCKER =
      Path.of(System.getProperty("vitstream.repo.dir", "..")).resolve("docker");
  private static final List<String> DOCKERFILES = List.of("Dockerfile.cpu", "Dockerfile.gpu");

  @Test
  void shouldRunOnlyRealCommandsInTheImages() throws IOException {
    int runs = 0;
    for (String name : DOCKERFILES) {
      // Given a Dockerfile's instructions
      List<String> instructions = instructions(DOCKER.resolve(name));

      // When its entry point, default command and build-time runs of the CLI are read
      List<String> entrypoint = jsonArray(only(instructions, "ENTRYPOINT"));
      List<String> cmd = jsonArray(only(instructions, "CMD"));
      List<List<String>> builds =
          instructions.stream()
              .filter(i -> i.startsWith("RUN ") && i.contains(Main.class.getName()))
              .map(DockerFilesTest::cliArguments)
              .toList();

      // Then the entry point is the CLI, and each command parses, its config keys included
      assertThat(entrypoint).as(name).last().isEqualTo(Main.class.getName());
      runs += builds.size();
      assertParses(name + " CMD", cmd);
      builds.forEach(args -> assertParses(name + " RUN", args));
      // and the image exposes the port run serves /metrics on
      assertThat(only(instructions, "EXPOSE").substring("EXPOSE ".length()).split("\\s+"))
          .as(name + " EXPOSE")
          .contains(Integer.toString(metricsPort(cmd)));
    }
    assertThat(runs)
        .as("RUNs of the CLI at build time (the CPU image's native extraction)")
        .isPositive();
  }

  @Test
  void shouldScrapeTheAppsMetricsPortFromComposeWithPrometheus() throws IOException {
    // Given compose.yaml and prometheus.yml
    Map<String, Object> compose = yaml(DOCKER.resolve("compose.yaml"));
    Map<String, Object> services = map(compose.get("services"));
    Map<String, Object> app = map(services.get("vitstream"));
    Map<String, Object> prometheus = map(services.get("prometheus"));
    Map<String, Object> scrape = yaml(DOCKER.resolve("prometheus.yml"));

    // When the app's command and the scrape job are read
    @SuppressWarnings("unchecked")
    List<String> command = (List<String>) app.get("command");
    int port = metricsPort(command);
    List<Map<String, Object>> jobs = list(scrape.get("scrape_configs"));
    Map<String, Object> job =
        jobs.stream().filter(j -> "vitstream".equals(j.get("job_name"))).findFirst().orElseThrow();
    List<Map<String, Object>> statics = list(job.get("static_configs"));
    List<String> targets =
        statics.stream()
            .flatMap(c -> DockerFilesTest.<String>list(c.get("targets")).stream())
            .toList();

    // Then the command parses, the app publishes its metrics port, and Prometheus scrapes that
    // port of that service at /metrics, with prometheus.yml mounted where Prometheus reads it
    assertParses("compose vitstream", command);
    assertThat(map(app.get("build")).get("dockerfile")).isEqualTo("docker/Dockerfile.cpu");
    assertThat(app.get("ports"))
        .asInstanceOf(InstanceOfAssertFactories.LIST)
        .contains(port + ":" + port);
    assertThat(targets).containsExactly("vitstream:" + port);
    assertThat(job.getOrDefault("metrics_path", MetricsHandler.PATH))
        .isEqualTo(MetricsHandler.PATH);
    assertThat(prometheus.get("image")).asString().matches("prom/prometheus:v\\d+\\.\\d+\\.\\d+");
    assertThat(prometheus.get("volumes"))
        .asInstanceOf(InstanceOfAssertFactories.LIST)
        .contains("./prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    assertThat(prometheus.get("depends_on"))
        .asInstanceOf(InstanceOfAssertFactories.LIST)
        .contains("vitstream");
  }

  /** Parses (never runs) {@code args} with the real command line: a command must match. */
  private static void assertParses(String where, List<String> args) {
    assertThatCode(() -> leaf(args)).as(where + ": " + args).doesNotThrowAnyException();
    assertThat(leaf(args).commandSpec().userObject())
        .as(where + ": " + args + " names a command")
        .isNotInstanceOf(Main.class);
  }

  private static ParseResult leaf(List<String> args) {
    ParseResult r = Main.commandLine().parseArgs(args.toArray(String[]::new));
    while (r.hasSubcommand()) {
      r = r.subcommand();
    }
    return r;
  }

  /** The metrics port of a {@code run} command: its {@code --set}s loaded as the app loads them. */
  private static int metricsPort(List<String> args) {
    ParseResult run = leaf(args);
    assertThat(run.commandSpec().name()).isEqualTo("run");
    Map<String, String> set = run.matchedOptionValue("--set", Map.of());
    return AppConfig.load(Optional.empty(), set).metricsPort();
  }

  /** The instructions, with continued lines joined and comments dropped. */
  private static List<String> instructions(Path dockerfile) throws IOException {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      current.append(line.strip());
      if (line.endsWith("\\")) {
        current.setLength(current.length() - 1);
        current.append(' ');
      } else {
        out.add(current.toString());
        current.setLength(0);
      }
    }
    return out;
  }

  private static String only(List<String> instructions, String keyword) {
    List<String> found = instructions.stream().filter(i -> i.startsWith(keyword + " ")).toList();
    assertThat(found).as(keyword).hasSize(1);
    return found.get(0);
  }

  private static List<String> jsonArray(String instruction) {
    String json = instruction.substring(instruction.indexOf('['));
    return Arrays.asList(new Gson().fromJson(json, String[].class));
  }

  /** The words after the CLI's class name in a shell-form RUN, up to a redirect or operator. */
  private static List<String> cliArguments(String run) {
    String after = run.substring(run.indexOf(Main.class.getName()) + Main.class.getName().length());
    List<String> args = new ArrayList<>();
    for (String word : after.strip().split("\\s+")) {
      if (word.startsWith(">") || word.equals("&&") || word.equals("|") || word.equals(";")) {
        break;
      }
      args.add(word);
    }
    return args;
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      return new Yaml().load(in);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> list(Object o) {
    return (List<T>) o;
  }
}
