package io.vitstream.cli;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.GsonBuilder;
import io.vitstream.runtime.Djl;
import io.vitstream.training.ForwardFlops;
import io.vitstream.training.MatmulRate;
import io.vitstream.training.OptimizerKind;
import io.vitstream.training.StepBenchmark;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.ViTVariants;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vitstream bench train}: in one run, the rate DJL's matrix product reaches on the shapes of
 * the model's blocks (the sgemm bound), then the real training step of the model at a batch size,
 * in img/s, ms/step and GFLOP/s (3x the forward's analytic FLOPs), and its ratio to the bound.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Time training steps against the matrix-product rate of the same shapes, in one run.")
final class BenchTrainCommand implements Callable<Integer> {
  /** The shipped Fashion-MNIST model's geometry (model-store/fashion-mnist/4). */
  private static final int[] SHIPPED = {28, 4, 1, 64, 6, 4, 128};

  private static final long SQUARE = 1024;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--batch", defaultValue = "64", description = "images per step (64)")
  int batch;

  @Option(names = "--steps", defaultValue = "30", description = "timed steps (30)")
  int steps;

  @Option(names = "--warmup", defaultValue = "5", description = "untimed steps first (5)")
  int warmup;

  @Option(names = "--threads", defaultValue = "1", description = "intra-op threads (1)")
  int threads;

  @Option(names = "--optimizer", defaultValue = "adamw", description = "adamw or sgd (adamw)")
  String optimizer;

  @Option(
      names = "--matmul-seconds",
      defaultValue = "1",
      description = "time per matrix-product shape (1)")
  double matmulSeconds;

  @Option(names = "--json", description = "also write the results to this JSON file")
  Path json;

  @Option(
      names = "--variant",
      description = "a timm name (e.g. vit_tiny_patch16_224), trained on one-channel images")
  String variant;

  @Option(names = "--image", description = "image side (28)")
  Integer image;

  @Option(names = "--patch", description = "patch side (4)")
  Integer patch;

  @Option(names = "--width", description = "embedding width D (64)")
  Integer width;

  @Option(names = "--depth", description = "encoder blocks (6)")
  Integer depth;

  @Option(names = "--heads", description = "attention heads (4)")
  Integer heads;

  @Option(names = "--mlp", description = "MLP width (128)")
  Integer mlp;

  /** What the JSON file holds. */
  record Report(
      String model,
      int batch,
      int threads,
      String optimizer,
      int warmupSteps,
      int timedSteps,
      double forwardGflopPerImage,
      List<MatmulRate.Product> blockProducts,
      double blockProductsGflops,
      double squareGflops,
      double msPerStep,
      double imagesPerSecond,
      double trainGflops,
      double ratioToBlockProducts,
      double ratioToSquare,
      double cpuMsPerStep,
      double blockProductsCpuGflops,
      double trainCpuGflops,
      double cpuRatioToBlockProducts,
      String loadAverageBefore,
      String loadAverageAfter) {}

  @Override
  public Integer call() {
    OptimizerKind kind = checkOptions();
    ViTConfig config = config();
    PrintWriter out = spec.commandLine().getOut();
    int originalThreads = Djl.intraOpThreads();
    try {
      Djl.setIntraOpThreads(threads);
      String loadBefore = LoadAverage.read();
      out.printf(
          Locale.ROOT,
          "%s; batch %d; %d intra-op thread(s); %s%nload average before: %s%n",
          config.summary(),
          batch,
          threads,
          kind,
          loadBefore);
      out.flush();
      MatmulRate.Result products = MatmulRate.ofBlock(config, batch, matmulSeconds);
      MatmulRate.Product square = MatmulRate.time("square", SQUARE, SQUARE, SQUARE, matmulSeconds);
      StepBenchmark.Result step = StepBenchmark.run(config, batch, warmup, steps, kind);
      Report report =
          new Report(
              config.summary(),
              batch,
              threads,
              kind.toString(),
              warmup,
              steps,
              ForwardFlops.perImage(config) / 1e9,
              products.products(),
              products.gflops(),
              square.gflops(),
              step.msPerStep(),
              step.imagesPerSecond(),
              step.gflops(),
              step.gflops() / products.gflops(),
              step.gflops() / square.gflops(),
              step.cpuMsPerStep(),
              products.cpuGflops(),
              step.cpuGflops(),
              step.cpuGflops() / products.cpuGflops(),
              loadBefore,
              LoadAverage.read());
      print(out, report, square);
      if (json != null) {
        write(json, report);
        out.printf(Locale.ROOT, "wrote %s%n", json);
      }
    } finally {
      Djl.setIntraOpThreads(originalThreads);
    }
    return 0;
  }

  private OptimizerKind checkOptions() {
    List<String> problems = new ArrayList<>();
    if (batch < 1 || steps < 1 || warmup < 1 || threads < 1) {
      problems.add("--batch, --steps, --warmup and --threads must be >= 1");
    }
    if (!(matmulSeconds > 0)) {
      problems.add("--matmul-seconds must be > 0");
    }
    OptimizerKind kind = null;
    try {
      kind = OptimizerKind.parse(optimizer);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new ParameterException(spec.commandLine(), String.join("; ", problems));
    }
    return kind;
  }

  private ViTConfig config() {
    try {
      ViTConfig base =
          variant != null
              ? ViTVariants.config(variant, 10).toBuilder().channels(1).build()
              : ViTConfig.builder()
                  .imageSize(SHIPPED[0])
                  .patchSize(SHIPPED[1])
                  .channels(SHIPPED[2])
                  .width(SHIPPED[3])
                  .depth(SHIPPED[4])
                  .heads(SHIPPED[5])
                  .mlpSize(SHIPPED[6])
                  .numClasses(10)
                  .layerNormEps(1e-6f)
                  .build();
      ViTConfig.Builder b = base.toBuilder();
      if (image != null) {
        b.imageSize(image);
      }
      if (patch != null) {
        b.patchSize(patch);
      }
      if (width != null) {
        b.width(width);
      }
      if (depth != null) {
        b.depth(depth);
      }
      if (heads != null) {
        b.heads(heads);
      }
      if (mlp != null) {
        b.mlpSize(mlp);
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  private static void print(PrintWriter out, Report r, MatmulRate.Product square) {
    out.printf(
        Locale.ROOT, "%-8s %7s %6s %6s %10s %9s%n", "product", "m", "k", "n", "ms/call", "GFLOP/s");
    List<MatmulRate.Product> rows = new ArrayList<>(r.blockProducts());
    rows.add(square);
    for (MatmulRate.Product p : rows) {
      out.printf(
          Locale.ROOT,
          "%-8s %7d %6d %6d %10.3f %9.1f%n",
          p.name(),
          p.m(),
          p.k(),
          p.n(),
          p.secondsPerCall() * 1000,
          p.gflops());
    }
    out.printf(Locale.ROOT, "block products' mix: %.1f GFLOP/s%n", r.blockProductsGflops());
    out.printf(
        Locale.ROOT,
        "training step (%d warm-up, %d timed; %.4f GFLOP per image forward, x%d for training):%n",
        r.warmupSteps(),
        r.timedSteps(),
        r.forwardGflopPerImage(),
        ForwardFlops.TRAINING_FACTOR);
    out.printf(
        Locale.ROOT,
        "%9s %9s %9s %14s %14s%n",
        "ms/step",
        "img/s",
        "GFLOP/s",
        "of block mix",
        "of square");
    out.printf(
        Locale.ROOT,
        "%9.1f %9.1f %9.1f %13.0f%% %13.0f%%%n",
        r.msPerStep(),
        r.imagesPerSecond(),
        r.trainGflops(),
        100 * r.ratioToBlockProducts(),
        100 * r.ratioToSquare());
    out.printf(
        Locale.ROOT,
        "per CPU-second of this process (steady under contention): step %.1f CPU-ms, %.1f GFLOP/s"
            + " against the mix's %.1f: %.0f%%%n",
        r.cpuMsPerStep(),
        r.trainCpuGflops(),
        r.blockProductsCpuGflops(),
        100 * r.cpuRatioToBlockProducts());
    out.printf(Locale.ROOT, "load average after: %s%n", r.loadAverageAfter());
  }

  private static void write(Path file, Report report) {
    String text =
        new GsonBuilder()
                .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
                .setPrettyPrinting()
                .create()
                .toJson(report)
            + "\n";
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
