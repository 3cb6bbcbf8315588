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
  void shouldScrapeEveryAppInstancesMetricsPortFromComposeWithPrometheus() throws IOException {
    // Given compose.yaml and prometheus.yml
    Map<String, Object> services = services();
    Map<String, Object> prometheus = map(services.get("prometheus"));
    Map<String, Object> scrape = yaml(DOCKER.resolve("prometheus.yml"));

    // When the instances' commands and the scrape job are read
    List<String> instances = appInstances(services);
    List<Map<String, Object>> jobs = list(scrape.get("scrape_configs"));
    Map<String, Object> job =
        jobs.stream().filter(j -> "vitstream".equals(j.get("job_name"))).findFirst().orElseThrow();
    List<Map<String, Object>> statics = list(job.get("static_configs"));
    List<String> targets =
        statics.stream()
            .flatMap(c -> DockerFilesTest.<String>list(c.get("targets")).stream())
            .toList();

    // Then each command parses, each instance publishes its metrics port on a host port of its
    // own, and Prometheus scrapes that port of every instance at /metrics, with prometheus.yml
    // mounted where Prometheus reads it
    List<String> expectedTargets = new ArrayList<>();
    List<String> hostPorts = new ArrayList<>();
    for (String name : instances) {
      Map<String, Object> app = map(services.get(name));
      List<String> command = command(app);
      assertParses("compose " + name, command);
      int port = metricsPort(command);
      expectedTargets.add(name + ":" + port);
      List<String> ports = list(app.get("ports"));
      assertThat(ports).as(name + " ports").hasSize(1).first().asString().endsWith(":" + port);
      hostPorts.add(ports.get(0).split(":")[0]);
    }
    assertThat(hostPorts).as("host ports").doesNotHaveDuplicates();
    assertThat(targets).containsExactlyInAnyOrderElementsOf(expectedTargets);
    assertThat(job.getOrDefault("metrics_path", MetricsHandler.PATH))
        .isEqualTo(MetricsHandler.PATH);
    assertThat(prometheus.get("image")).asString().matches("prom/prometheus:v\\d+\\.\\d+\\.\\d+");
    assertThat(prometheus.get("volumes"))
        .asInstanceOf(InstanceOfAssertFactories.LIST)
        .contains("./prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    assertThat(prometheus.get("depends_on"))
        .asInstanceOf(InstanceOfAssertFactories.LIST)
        .containsExactlyInAnyOrderElementsOf(instances);
  }

  @Test
  void shouldRunThreeReplicatingBrokersOfOneKraftQuorum() throws IOException {
    // Given compose.yaml
    Map<String, Object> services = services();

    // When its Kafka services are read
    List<String> brokers = brokers(services);

    // Then there are three, each broker and controller of the same cluster, voters of one
    // quorum, advertising their own service name, with replication 3 and min.insync.replicas 2
    assertThat(brokers).hasSize(3);
    List<String> nodeIds = new ArrayList<>();
    for (String name : brokers) {
      Map<String, Object> broker = map(services.get(name));
      Map<String, Object> env = map(broker.get("environment"));
      assertThat(broker.get("image"))
          .as(name)
          .asString()
          .matches("apache/kafka:\\d+\\.\\d+\\.\\d+");
      assertThat(env.get("KAFKA_PROCESS_ROLES")).as(name).isEqualTo("broker,controller");
      assertThat(env.get("KAFKA_ADVERTISED_LISTENERS"))
          .as(name)
          .isEqualTo("PLAINTEXT://" + name + ":9092");
      assertThat(env.get("KAFKA_DEFAULT_REPLICATION_FACTOR")).as(name).isEqualTo(3);
      assertThat(env.get("KAFKA_MIN_INSYNC_REPLICAS")).as(name).isEqualTo(2);
      assertThat(env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR")).as(name).isEqualTo(3);
      assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR")).as(name).isEqualTo(3);
      assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")).as(name).isEqualTo(2);
      assertThat(env.get("CLUSTER_ID"))
          .as(name)
          .isEqualTo(map(map(services.get(brokers.get(0))).get("environment")).get("CLUSTER_ID"));
      String nodeId = env.get("KAFKA_NODE_ID").toString();
      nodeIds.add(nodeId);
      assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").toString().split(","))
          .as(name + " voters")
          .hasSize(3)
          .contains(nodeId + "@" + name + ":9093");
      assertThat(map(broker.get("healthcheck")).get("test")).as(name + " healthcheck").isNotNull();
    }
    assertThat(nodeIds).doesNotHaveDuplicates();
  }

  @Test
  void shouldRunTwoAppInstancesThatShareNothingButKafka() throws IOException {
    // Given compose.yaml
    Map<String, Object> services = services();
    List<String> brokers = brokers(services);

    // When its app instances are read
    List<String> instances = appInstances(services);

    // Then there are two, built from the CPU image, each with the same application id and a
    // bootstrap list naming every broker, started once every broker is healthy
    assertThat(instances).hasSize(2);
    List<String> applicationIds = new ArrayList<>();
    List<String> volumeSources = new ArrayList<>();
    for (String name : instances) {
      Map<String, Object> app = map(services.get(name));
      assertThat(map(app.get("build")).get("dockerfile")).isEqualTo("docker/Dockerfile.cpu");
      AppConfig config = appConfig(command(app));
      applicationIds.add(config.applicationId());
      assertThat(config.bootstrapServers().split(","))
          .as(name + " bootstrap.servers")
          .containsExactlyInAnyOrderElementsOf(brokers.stream().map(b -> b + ":9092").toList());
      assertThat(config.topicPartitions()).as(name + " topic.partitions").isGreaterThan(1);
      assertThat(map(app.get("depends_on")).keySet()).containsExactlyInAnyOrderElementsOf(brokers);
      map(app.get("depends_on"))
          .values()
          .forEach(d -> assertThat(map(d).get("condition")).isEqualTo("service_healthy"));
      // and volumes of its own for its model store and its Streams state
      List<String> volumes = list(app.get("volumes"));
      assertThat(volumes.stream().map(v -> v.split(":")[1]))
          .as(name + " volumes")
          .contains("/app/model-store", "/app/state");
      assertThat(config.clientProperties().get("state.dir")).isEqualTo("/app/state");
      volumes.forEach(v -> volumeSources.add(v.split(":")[0]));
    }
    assertThat(applicationIds).as("application ids").containsOnly(applicationIds.get(0));
    assertThat(volumeSources).as("no volume shared between instances").doesNotHaveDuplicates();
  }

  private static Map<String, Object> services() throws IOException {
    return map(yaml(DOCKER.resolve("compose.yaml")).get("services"));
  }

  /** The services that run the apache/kafka image, by name. */
  private static List<String> brokers(Map<String, Object> services) {
    return services.entrySet().stream()
        .filter(e -> String.valueOf(map(e.getValue()).get("image")).startsWith("apache/kafka:"))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** The services whose command is {@code vitstream run}, by name. */
  private static List<String> appInstances(Map<String, Object> services) {
    return services.entrySet().stream()
        .filter(e -> map(e.getValue()).get("command") instanceof List<?> c && c.contains("run"))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  @SuppressWarnings("unchecked")
  private static List<String> command(Map<String, Object> service) {
    return (List<String>) service.get("command");
  }

  /** The config a {@code run} command loads: its {@code --set}s and {@code --bootstrap-servers}. */
  private static AppConfig appConfig(List<String> args) {
    ParseResult run = leaf(args);
    assertThat(run.commandSpec().name()).isEqualTo("run");
    Map<String, String> set = new java.util.HashMap<>(run.matchedOptionValue("--set", Map.of()));
    String servers = run.matchedOptionValue("--bootstrap-servers", null);
    if (servers != null) {
      set.put("bootstrap.servers", servers);
    }
    return AppConfig.load(Optional.empty(), set);
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
    return appConfig(args).metricsPort();
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
