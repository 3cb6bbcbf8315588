package io.vitstream.cli;

import com.google.gson.GsonBuilder;
import io.vitstream.bench.InstanceCounts;
import io.vitstream.bench.ScaleBench;
import io.vitstream.bench.ScaleReport;
import io.vitstream.bench.ScaleRow;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.Split;
import io.vitstream.kafka.EmbeddedKafkaCluster;
import io.vitstream.publish.FashionMnistSource;
import io.vitstream.publish.SourceImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vitstream bench scale}: throughput against the number of {@code run} instances. */
@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description =
        "Measure throughput with 1, 2, ... `vitstream run` processes (same application id) on one"
            + " Kafka cluster: img/s, speedup, per-instance efficiency and each process's CPU.")
final class BenchScaleCommand implements Callable<Integer> {
  private static final int CLUSTER_SIZE = 3;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--instances",
      defaultValue = "1,2,3",
      description = "Instance counts, ascending; the first is the baseline (${DEFAULT-VALUE})")
  String instances;

  @Option(
      names = "--images",
      defaultValue = "6000",
      description = "Backlog per count (${DEFAULT-VALUE})")
  int images;

  @Option(
      names = "--partitions",
      defaultValue = "6",
      description = "Partitions of the images and predictions topics (${DEFAULT-VALUE})")
  int partitions;

  @Option(
      names = "--skip",
      defaultValue = "0.2",
      description = "Warm-up share left out (${DEFAULT-VALUE})")
  double skip;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "An external cluster (default: 3 brokers in this JVM, replication 3)")
  String bootstrapServers;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "A config key for every instance (repeatable)")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(
      names = "--json",
      defaultValue = "bench-scale.json",
      description = "Figures (${DEFAULT-VALUE})")
  Path json;

  @Mixin FashionMnistOption fashionMnist;

  @Override
  public Integer call() throws Exception {
    InstanceCounts counts = counts();
    if (images < 500 || partitions < 1 || skip < 0 || skip >= 0.9) {
      throw new ParameterException(
          spec.commandLine(), "need --images >= 500, --partitions >= 1 and --skip in [0, 0.9)");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "load average before: %s%n", LoadAverage.read());
    List<SourceImage> backlog = backlog();
    int cores = Runtime.getRuntime().availableProcessors();
    try (EmbeddedKafkaCluster cluster =
        bootstrapServers == null ? EmbeddedKafkaCluster.of(CLUSTER_SIZE) : null) {
      String servers = cluster == null ? bootstrapServers : cluster.start().bootstrapServers();
      String where =
          cluster == null
              ? "external " + servers
              : CLUSTER_SIZE + " brokers in the bench JVM (replication 3, min.insync 2)";
      out.printf(Locale.ROOT, "bench scale: %s; %d cores; %s%n", where, cores, counts.counts());
      out.flush();
      var setup =
          new ScaleBench.Setup(
              servers, partitions, skip, CliPaths.defaultStore(), FashionMnist.NAME, set);
      List<ScaleRow> rows =
          new ScaleBench(
                  setup,
                  line -> {
                    out.println("bench: " + line);
                    out.flush();
                  })
              .run(counts, backlog);
      ScaleReport report = new ScaleReport(where, cores, images, partitions, skip, rows);
      print(out, report, cluster != null);
      Files.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(report));
      out.println("figures written to " + json.toAbsolutePath());
      out.printf(Locale.ROOT, "load average after: %s%n", LoadAverage.read());
    }
    return 0;
  }

  private InstanceCounts counts() {
    try {
      return InstanceCounts.parse(instances);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Fashion-MNIST test images as raw pixels, cycled to {@code images} with unique ids. */
  private List<SourceImage> backlog() {
    List<SourceImage> test = FashionMnistSource.sourceImages(fashionMnist.load(Split.TEST), "t");
    List<SourceImage> out = new ArrayList<>(images);
    for (int i = 0; i < images; i++) {
      SourceImage s = test.get(i % test.size());
      out.add(new SourceImage("s" + i, s.encoded(), s.pixels(), Optional.empty()));
    }
    return out;
  }

  private static void print(PrintWriter out, ScaleReport r, boolean brokersInJvm) {
    out.printf(
        Locale.ROOT,
        "%9s %9s %8s %10s %9s %-22s %11s %12s %11s %8s%n",
        "instances",
        "img/s",
        "speedup",
        "efficiency",
        "CPU/inst",
        "(each, cores)",
        "img/s/core",
        brokersInJvm ? "brokers CPU" : "reader CPU",
        "others CPU",
        "window");
    for (ScaleRow row : r.rows()) {
      out.printf(
          Locale.ROOT,
          "%9d %9.1f %8.2f %10.2f %9.2f %-22s %11.1f %12.2f %11.2f %7.1fs%n",
          row.instances(),
          row.imagesPerSecond(),
          row.speedup(),
          row.efficiency(),
          row.meanInstanceCores(),
          row.instanceCores().stream()
              .map(c -> String.format(Locale.ROOT, "%.2f", c))
              .collect(Collectors.joining(" ", "(", ")")),
          row.imagesPerInstanceCore(),
          row.benchJvmCores(),
          row.otherCores(),
          row.seconds());
    }
    out.printf(
        Locale.ROOT,
        "CPU in cores (1.00 = one core busy) over each steady window, from /proc/<pid>/stat;"
            + " %s; others: the rest of the machine's busy time (processes outside the bench); img/s/core: img/s per core the instances used. This"
            + " machine has %d cores: past that many busy processes, more instances"
            + " share the same cores and no speedup is possible.%n",
        brokersInJvm
            ? "the brokers' figure is the whole bench JVM (3 brokers and the prediction reader)"
            : "the reader's figure is the bench JVM (the prediction reader)",
        r.cores());
  }
}
