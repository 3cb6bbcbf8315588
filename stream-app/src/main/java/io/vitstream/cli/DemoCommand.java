package io.vitstream.cli;

import io.vitstream.app.AppConfig;
import io.vitstream.app.ConfigKeys;
import io.vitstream.dashboard.LiveDashboard;
import io.vitstream.dataset.Split;
import io.vitstream.demo.Demo;
import io.vitstream.demo.DemoResult;
import io.vitstream.demo.DemoWatch;
import io.vitstream.demo.Drift;
import io.vitstream.demo.DriftDemo;
import io.vitstream.demo.DriftPlot;
import io.vitstream.demo.DriftResult;
import io.vitstream.metrics.HttpEndpoint;
import io.vitstream.metrics.Metrics;
import io.vitstream.metrics.MetricsHandler;
import io.vitstream.publish.FashionMnistSource;
import io.vitstream.publish.FileImageSource;
import io.vitstream.publish.ImageSource;
import io.vitstream.publish.SourceImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vitstream demo}: broker, app, N images in, every prediction out, one summary line. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Start an embedded broker and the app, publish N Fashion-MNIST test images, consume"
            + " every prediction, and print a summary. Exits 0 when every image got one.")
final class DemoCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions options;
  @Mixin ServingOptions serving;

  @Option(
      names = "--images",
      defaultValue = "1000",
      description = "Images to publish (${DEFAULT-VALUE})")
  int images;

  @Mixin FashionMnistOption fashionMnist;

  @Option(
      names = "--images-dir",
      paramLabel = "DIR",
      description = "Publish these files/folders instead of Fashion-MNIST")
  List<Path> imageFiles;

  @Option(
      names = "--timeout-s",
      defaultValue = "300",
      description = "Give up after (${DEFAULT-VALUE} s)")
  int timeoutSeconds;

  @Option(
      names = "--drift",
      paramLabel = "NAME",
      completionCandidates = DriftNames.class,
      description =
          "Drift demo: after --drift-after images switch to transformed ones (${COMPLETION-CANDIDATES}),"
              + " send true labels as feedback, fine-tune, gate, hot-swap; prints accuracy per"
              + " window and writes a plot")
  String drift;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description =
          "Drift demo: seeds the drift's noise and which labels are sent back (${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--plot",
      paramLabel = "FILE",
      description = "Drift demo: the PNG plot to write (default drift-<name>-seed<seed>.png)")
  Path plot;

  @Option(
      names = "--drift-after",
      defaultValue = "1000",
      description = "Drift demo: original images before the drift (${DEFAULT-VALUE})")
  int driftAfter;

  @Option(
      names = "--feedback-fraction",
      defaultValue = "0.5",
      description = "Drift demo: share of images whose true label is sent back (${DEFAULT-VALUE})")
  double feedbackFraction;

  @Option(
      names = "--window",
      defaultValue = "500",
      description =
          "Predictions per accuracy window, in the dashboard and the drift demo (${DEFAULT-VALUE})")
  int window;

  @Option(
      names = "--rate",
      defaultValue = "40",
      description = "Drift demo: images published per second (${DEFAULT-VALUE})")
  double rate;

  @Option(
      names = "--regression-size",
      defaultValue = "5000",
      description =
          "Drift demo: original test images (from the end, never published) against forgetting"
              + " (${DEFAULT-VALUE})")
  int regressionSize;

  @Option(names = "--no-dashboard", description = "Do not serve the live dashboard")
  boolean noDashboard;

  @Option(
      names = "--keep-running",
      description = "Keep serving the dashboard after the summary, until Ctrl-C")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    if (noDashboard && keepRunning) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--keep-running keeps the dashboard up: drop --no-dashboard");
    }
    // a demo next to a running app must not fight it for the metrics port: a free one unless set
    AppConfig config = options.load(Map.of(ConfigKeys.METRICS_PORT.name(), "0"), serving.flags());
    PrintWriter out = spec.commandLine().getOut();
    // one port: /metrics, and the dashboard at / unless turned off
    try (Metrics metrics = Metrics.prometheus();
        HttpEndpoint http = HttpEndpoint.start(config.metricsPort())) {
      http.handle(MetricsHandler.PATH, new MetricsHandler(metrics));
      DemoWatch watch = DemoWatch.NONE;
      if (!noDashboard) {
        LiveDashboard dashboard = LiveDashboard.serve(http, window);
        watch = dashboard.watch();
        out.println("dashboard: " + dashboard.url());
      }
      out.println("metrics: " + http.url(MetricsHandler.PATH));
      out.flush();
      int code = drift != null ? drift(config, metrics, watch) : run(config, metrics, watch);
      if (keepRunning) {
        out.println("dashboard: still serving " + http.url("/") + " (Ctrl-C to stop)");
        out.flush();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return code;
    }
  }

  private int run(AppConfig config, Metrics metrics, DemoWatch watch) throws Exception {
    ImageSource source =
        imageFiles != null
            ? new FileImageSource(imageFiles)
            : new FashionMnistSource(fashionMnist.dir);
    List<SourceImage> list = source.read(images);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "demo: starting an embedded broker and the app, then publishing %d images%n", list.size());
    out.flush();
    var progress = new Progress(spec.commandLine().getErr(), list.size());
    DemoResult r =
        new Demo(config, config.model().provider(CliPaths.openDefaultStore()), metrics)
            .run(list, Duration.ofSeconds(timeoutSeconds), progress::update, watch);
    out.printf(
        Locale.ROOT,
        "broker startup %.1f s; batch sizes (size=images) %s%n",
        r.brokerStartupSeconds(),
        r.batchSizes());
    out.printf(
        Locale.ROOT,
        "raw forward at batch %d: %.1f img/s; forward inside the pipeline: %.1f img/s;"
            + " pipeline end to end: %.1f img/s (%.0f%% of raw)%n",
        r.maxBatchSize(),
        r.rawForwardThroughput(),
        r.pipelineForwardThroughput(),
        r.throughput(),
        100 * r.throughput() / r.rawForwardThroughput());
    out.println(r.summaryLine());
    out.flush();
    return r.predicted() == r.sent() ? 0 : 1;
  }

  private int drift(AppConfig config, Metrics metrics, DemoWatch watch) throws Exception {
    Drift kind;
    try {
      kind = Drift.fromName(drift);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--drift: " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    int count = spec.commandLine().getParseResult().hasMatchedOption("--images") ? images : 5000;
    var options =
        new DriftDemo.Options(
            kind,
            count,
            driftAfter,
            feedbackFraction,
            window,
            rate,
            regressionSize,
            Duration.ofSeconds(timeoutSeconds),
            seed);
    var test = fashionMnist.load(Split.TEST);
    DriftResult r =
        new DriftDemo(
                config, CliPaths.defaultStore(), test, () -> fashionMnist.load(Split.TRAIN), out)
            .watchedBy(watch)
            .measuredBy(metrics)
            .run(options);
    out.println(r.summaryLine());
    Path file = plot != null ? plot : Path.of(DriftPlot.defaultFileName(options));
    DriftPlot.write(r, options, file, 1000, 560);
    out.println("plot: " + file.toAbsolutePath());
    out.flush();
    return r.predicted() == count ? 0 : 1;
  }

  /** The drift names, for --help. */
  static final class DriftNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Drift.names().iterator();
    }
  }
}
