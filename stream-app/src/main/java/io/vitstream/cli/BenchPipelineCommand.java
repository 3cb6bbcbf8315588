package io.vitstream.cli;

import com.google.gson.GsonBuilder;
import io.vitstream.app.AppConfig;
import io.vitstream.app.ConfigKeys;
import io.vitstream.bench.PipelineBench;
import io.vitstream.bench.PipelineReport;
import io.vitstream.bench.Sweep;
import io.vitstream.dataset.Split;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.publish.FashionMnistSource;
import io.vitstream.publish.SourceImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vitstream bench pipeline}: raw forward, Kafka ceiling and pipeline, side by side. */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description =
        "Measure, in one run, the raw batched forward, the Kafka ceiling (the same topology with a"
            + " no-op forward) and the pipeline end to end, with a CPU breakdown by stage.")
final class BenchPipelineCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions options;
  @Mixin ServingOptions serving;

  @Option(
      names = "--images",
      defaultValue = "20000",
      description = "Records per phase (${DEFAULT-VALUE})")
  int images;

  @Option(
      names = "--broker",
      defaultValue = "embedded",
      description = "embedded (in this JVM) or external (--bootstrap-servers) (${DEFAULT-VALUE})")
  String broker;

  @Option(
      names = "--skip",
      defaultValue = "0.2",
      description = "Warm-up share left out (${DEFAULT-VALUE})")
  double skip;

  @Option(
      names = "--raw-seconds",
      defaultValue = "5",
      description = "Raw forward time (${DEFAULT-VALUE} s)")
  double rawSeconds;

  @Option(
      names = "--json",
      defaultValue = "bench-pipeline.json",
      description = "Where the figures go (${DEFAULT-VALUE})")
  Path json;

  @Option(
      names = "--sweep",
      description =
          "Also measure capacity against batch size and delay, and latency against load, and draw"
              + " them as PNG charts beside the JSON")
  boolean sweep;

  @Mixin FashionMnistOption fashionMnist;

  @Override
  public Integer call() throws Exception {
    if (!broker.equals("embedded") && !broker.equals("external")) {
      throw new IllegalArgumentException("--broker must be embedded or external, got " + broker);
    }
    if (images < 1000 || skip < 0 || skip >= 0.9) {
      throw new IllegalArgumentException("need --images >= 1000 and --skip in [0, 0.9)");
    }
    AppConfig base = options.load(serving.flags());
    List<SourceImage> records = records(images);
    PrintWriter out = spec.commandLine().getOut();
    Path state = Files.createTempDirectory("vitstream-bench-state-");
    String run = Long.toString(System.currentTimeMillis(), 36);
    try (EmbeddedKafka kafka = broker.equals("embedded") ? EmbeddedKafka.onFreePort() : null;
        ServingModel model = base.model().provider(CliPaths.openDefaultStore()).load()) {
      String servers = kafka == null ? base.bootstrapServers() : kafka.start().bootstrapServers();
      var bench =
          new PipelineBench(
              (phase, settings) -> phaseConfig(servers, state, run, phase, settings),
              skip,
              Duration.ofMillis((long) (rawSeconds * 1000)),
              line -> {
                out.println("bench: " + line);
                out.flush();
              });
      PipelineReport report = bench.run(model, records);
      print(out, report);
      var gson = new GsonBuilder().setPrettyPrinting().create();
      Files.writeString(json, gson.toJson(report));
      out.println("figures written to " + json.toAbsolutePath());
      if (sweep) {
        Sweep s = bench.sweep(model, records, report);
        Path dir = json.toAbsolutePath().getParent();
        String prefix = json.getFileName().toString().replaceFirst("\\.json$", "");
        Files.writeString(dir.resolve(prefix + "-sweep.json"), gson.toJson(s));
        s.writeCharts(dir, prefix);
        out.println("sweep and charts written to " + dir.resolve(prefix + "-*"));
      }
    } finally {
      CliPaths.deleteCheckpoint(state);
    }
    return 0;
  }

  /** One phase's config: its own application id and topics on the chosen brokers. */
  private AppConfig phaseConfig(
      String servers, Path state, String run, String phase, Map<String, String> settings) {
    String prefix = "bench-" + run + "-" + phase;
    Map<String, String> m = new HashMap<>(serving.flags());
    m.putAll(settings);
    m.put(ConfigKeys.BOOTSTRAP_SERVERS.name(), servers);
    m.put(ConfigKeys.APPLICATION_ID.name(), prefix);
    m.put(ConfigKeys.TOPIC_IMAGES.name(), prefix + "-images");
    m.put(ConfigKeys.TOPIC_PREDICTIONS.name(), prefix + "-predictions");
    m.put(ConfigKeys.TOPIC_DEAD_LETTERS.name(), prefix + "-dead-letters");
    m.put(ConfigKeys.TOPIC_FEEDBACK.name(), prefix + "-feedback");
    m.put(ConfigKeys.TOPIC_MODEL_VERSIONS.name(), prefix + "-model-versions");
    m.put("state.dir", state.resolve(phase).toString());
    return options.load(m);
  }

  /** Fashion-MNIST test images as raw pixels, cycled to {@code n} with unique ids. */
  private List<SourceImage> records(int n) {
    List<SourceImage> test = FashionMnistSource.sourceImages(fashionMnist.load(Split.TEST), "t");
    List<SourceImage> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      SourceImage s = test.get(i % test.size());
      out.add(new SourceImage("b" + i, s.encoded(), s.pixels(), Optional.empty()));
    }
    return out;
  }

  private static void print(PrintWriter out, PipelineReport r) {
    out.printf(
        Locale.ROOT,
        "raw forward (batch %d): %.1f img/s (%.1f before, %.1f after)%n",
        r.maxBatchSize(),
        r.raw(),
        r.rawBefore(),
        r.rawAfter());
    out.printf(
        Locale.ROOT,
        "Kafka ceiling (no-op forward): %.1f img/s over %.1f s%n",
        r.ceiling().perSecond(),
        r.ceiling().seconds());
    out.printf(
        Locale.ROOT,
        "pipeline end to end: %.1f img/s over %.1f s (%d images, steady window); mean batch %.1f,"
            + " forward %.2f ms/batch%n",
        r.pipeline().perSecond(),
        r.pipeline().seconds(),
        r.pipeline().outputs(),
        r.meanBatch(),
        r.forwardMsPerBatch());
    out.printf(Locale.ROOT, "ratio: %.2f of min(raw forward, Kafka ceiling)%n", r.ratio());
    out.printf(
        Locale.ROOT,
        "latency at half load (%.0f img/s offered, %.0f predicted): %s; goal p99 <= %.1f ms"
            + " (max.batch.delay.ms + 2 x forward per batch)%n",
        r.halfLoad().offered(),
        r.halfLoad().achieved(),
        r.halfLoad(),
        r.latencyGoalMs());
    double total = r.cpuMicrosPerImage().values().stream().mapToDouble(Double::doubleValue).sum();
    out.println(
        "CPU per image, pipeline phase, steady window (threads: exact; stages: JFR samples;"
            + " forward: its measured time):");
    r.cpuMicrosPerImage()
        .forEach(
            (stage, us) ->
                out.printf(
                    Locale.ROOT, "  %-36s %8.1f us  %5.1f %%%n", stage, us, 100 * us / total));
    out.printf(Locale.ROOT, "  %-36s %8.1f us%n", "total", total);
  }
}
