package io.vitstream.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vitstream.bench.ForwardReport;
import io.vitstream.runtime.Djl;
import io.vitstream.vit.ActivationSink;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.ViTVariants;
import io.vitstream.vit.VitModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vitstream bench forward} (also {@code vitstream model bench}): times inference on the CPU
 * or a GPU, in fp32 or (on a GPU) fp16, for each (threads, batch) cell. Asked for a GPU where none
 * is found, it stops with one line rather than running on the CPU. Every cell is warmed up first;
 * then the cells take turns, a slice of time each per round, so that noise from other processes
 * hits all of them alike. A pass makes its input in a per-batch manager, runs the forward and reads
 * the logits back once, as a serving loop does.
 */
@Command(
    name = "forward",
    aliases = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Time forward passes per (threads, batch) on the CPU or a GPU, fp32 or fp16, and print"
            + " img/s and ms/batch.")
final class BenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelChoice model;

  @Option(names = "--batch", split = ",", defaultValue = "1,32", description = "batch sizes (1,32)")
  List<Integer> batches;

  @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "intra-op (1,2)")
  List<Integer> threads;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (cpu)")
  String device;

  @Option(
      names = "--precision",
      defaultValue = "fp32",
      description = "fp32, or fp16 on a GPU (fp32); the model is built in it")
  String precision;

  @Option(names = "--seconds", defaultValue = "5", description = "measured time per cell (5)")
  double seconds;

  @Option(names = "--rounds", defaultValue = "3", description = "turns per cell (3)")
  int rounds;

  @Option(names = "--warmup", defaultValue = "2", description = "warm-up passes per cell (2)")
  int warmup;

  @Option(
      names = "--json",
      description =
          "also write the figures to this JSON file, and img/s against batch size to a PNG"
              + " of the same name beside it")
  Path json;

  /** Which model to time: a named variant, the tiny one, or an explicit geometry. */
  static final class ModelChoice {
    @Option(names = "--variant", description = "timm name, e.g. vit_base_patch16_224")
    String variant;

    @Option(
        names = "--tiny",
        description = "the Fashion-MNIST ViT: 28x28x1, patch 4, width 128, depth 6, heads 4")
    boolean tiny;

    @ArgGroup(exclusive = false)
    Geometry geometry;

    ViTConfig config() {
      if (variant != null) {
        return ViTVariants.config(variant, 1000);
      }
      Geometry g = tiny ? Geometry.TINY : geometry;
      return ViTConfig.builder()
          .imageSize(g.image)
          .patchSize(g.patch)
          .channels(g.channels)
          .width(g.width)
          .depth(g.depth)
          .heads(g.heads)
          .numClasses(10)
          .build();
    }

    String name() {
      return variant != null ? variant : tiny ? "tiny" : "custom";
    }
  }

  /** An explicit geometry; the MLP is 4x the width, and there are 10 classes. */
  static final class Geometry {
    static final Geometry TINY = new Geometry(28, 4, 1, 128, 6, 4);

    @Option(names = "--image", required = true, description = "image side in pixels")
    int image;

    @Option(names = "--patch", required = true, description = "patch side in pixels")
    int patch;

    @Option(names = "--channels", defaultValue = "1", description = "input channels (1)")
    int channels;

    @Option(names = "--width", required = true, description = "embedding width D")
    int width;

    @Option(names = "--depth", required = true, description = "encoder blocks L")
    int depth;

    @Option(names = "--heads", required = true, description = "attention heads")
    int heads;

    Geometry() {}

    private Geometry(int image, int patch, int channels, int width, int depth, int heads) {
      this.image = image;
      this.patch = patch;
      this.channels = channels;
      this.width = width;
      this.depth = depth;
      this.heads = heads;
    }
  }

  private record Cell(int threads, int batch) {}

  /** Passes, total and best time of one cell. */
  private static final class Timing {
    long passes;
    long nanos;
    long best = Long.MAX_VALUE;

    void add(long elapsed) {
      passes++;
      nanos += elapsed;
      best = Math.min(best, elapsed);
    }

    double msPerBatch() {
      return nanos / 1e6 / passes;
    }

    double imagesPerSecond(int batch) {
      return passes * batch / (nanos / 1e9);
    }
  }

  @Override
  public Integer call() throws IOException {
    checkOptions();
    Device target = device();
    Precision dtype = precision(target);
    ViTConfig config = model.config();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int originalThreads = Djl.intraOpThreads();
    try (VitModel vit = VitModel.create(config, target, dtype)) {
      out.printf(
          Locale.ROOT,
          "%s: %s; %,d parameters; %s on %s%n",
          model.name(),
          config.summary(),
          vit.parameterCount(),
          dtype.name().toLowerCase(Locale.ROOT),
          target);
      out.printf(Locale.ROOT, "load average before: %s%n", LoadAverage.read());
      out.flush();
      Map<Cell, Timing> cells = new LinkedHashMap<>();
      for (int t : threads) {
        for (int b : batches) {
          cells.put(new Cell(t, b), new Timing());
        }
      }
      measure(vit, cells, err);
      printTable(out, cells);
      if (json != null) {
        Path png = report(config, target, dtype, cells).write(json);
        out.printf(Locale.ROOT, "wrote %s and %s%n", json, png);
      }
      out.printf(Locale.ROOT, "load average after: %s%n", LoadAverage.read());
    } finally {
      Djl.setIntraOpThreads(originalThreads);
    }
    return 0;
  }

  /** Warms every cell up, then gives each a slice of time per round, in turn. */
  private void measure(VitModel vit, Map<Cell, Timing> cells, PrintWriter err) {
    ViTConfig c = vit.config();
    Map<Integer, float[]> inputs = new LinkedHashMap<>();
    for (int b : batches) {
      inputs.put(b, pixels(b * c.channels() * c.imageSize() * c.imageSize()));
    }
    for (Cell cell : cells.keySet()) {
      Djl.setIntraOpThreads(cell.threads());
      for (int i = 0; i < warmup; i++) {
        pass(vit, cell.batch(), inputs.get(cell.batch()));
      }
    }
    long slice = (long) (seconds / rounds * 1e9);
    for (int round = 1; round <= rounds; round++) {
      for (Map.Entry<Cell, Timing> e : cells.entrySet()) {
        Cell cell = e.getKey();
        Djl.setIntraOpThreads(cell.threads());
        long sliceStart = System.nanoTime();
        do {
          e.getValue().add(pass(vit, cell.batch(), inputs.get(cell.batch())));
        } while (System.nanoTime() - sliceStart < slice);
      }
      err.printf(Locale.ROOT, "round %d/%d done%n", round, rounds);
      err.flush();
    }
  }

  private ForwardReport report(
      ViTConfig config, Device target, Precision dtype, Map<Cell, Timing> cells) {
    List<ForwardReport.Cell> rows = new ArrayList<>();
    cells.forEach(
        (c, t) ->
            rows.add(
                new ForwardReport.Cell(
                    c.threads(),
                    c.batch(),
                    t.passes,
                    t.msPerBatch(),
                    t.best / 1e6,
                    t.imagesPerSecond(c.batch()))));
    return new ForwardReport(
        model.name(),
        config.summary(),
        target.getDeviceType(),
        dtype.name().toLowerCase(Locale.ROOT),
        rows);
  }

  private void checkOptions() {
    List<String> problems = new ArrayList<>();
    if (batches.stream().anyMatch(b -> b < 1)) {
      problems.add("--batch sizes must be >= 1");
    }
    if (threads.stream().anyMatch(t -> t < 1)) {
      problems.add("--threads must be >= 1");
    }
    if (!(seconds > 0) || rounds < 1 || warmup < 0) {
      problems.add("--seconds must be > 0, --rounds >= 1 and --warmup >= 0");
    }
    if (!problems.isEmpty()) {
      throw new ParameterException(spec.commandLine(), String.join("; ", problems));
    }
  }

  /**
   * The device asked for: a GPU only where the engine finds one.
   *
   * @throws IllegalStateException for {@code gpu} on a machine without one (exit 1, one line)
   */
  private Device device() {
    return switch (device.toLowerCase(Locale.ROOT)) {
      case "cpu" -> Device.cpu();
      case "gpu" -> {
        Djl.ensureConfigured();
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        if (gpus == 0) {
          throw new IllegalStateException(
              "--device gpu: no GPU found (the PyTorch engine sees none; a CUDA build of libtorch"
                  + " and a driver are needed); use --device cpu");
        }
        yield Device.gpu();
      }
      default ->
          throw new ParameterException(
              spec.commandLine(), "--device must be cpu or gpu, got '" + device + "'");
    };
  }

  private Precision precision(Device target) {
    try {
      Precision p = Precision.parse(precision);
      p.checkSupportedOn(target);
      return p;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--precision: " + e.getMessage());
    }
  }

  /** One timed pass: input made in a batch manager, forward, logits read back. */
  private static long pass(VitModel vit, int batch, float[] pixels) {
    ViTConfig c = vit.config();
    long start = System.nanoTime();
    try (NDManager scope = vit.newBatchManager()) {
      Shape shape = new Shape(batch, c.channels(), c.imageSize(), c.imageSize());
      vit.forward(scope.create(pixels, shape), ActivationSink.NONE).toFloatArray();
    }
    return System.nanoTime() - start;
  }

  private void printTable(PrintWriter out, Map<Cell, Timing> cells) {
    out.printf(
        Locale.ROOT,
        "%7s %6s %7s %14s %14s %11s%n",
        "threads",
        "batch",
        "passes",
        "ms/batch mean",
        "ms/batch best",
        "img/s");
    cells.forEach(
        (cell, t) ->
            out.printf(
                Locale.ROOT,
                "%7d %6d %7d %14.2f %14.2f %11.2f%n",
                cell.threads(),
                cell.batch(),
                t.passes,
                t.msPerBatch(),
                t.best / 1e6,
                t.imagesPerSecond(cell.batch())));
    int base = threads.stream().mapToInt(Integer::intValue).min().orElseThrow();
    for (int t : threads) {
      if (t == base) {
        continue;
      }
      for (int b : batches) {
        double ratio =
            cells.get(new Cell(t, b)).imagesPerSecond(b)
                / cells.get(new Cell(base, b)).imagesPerSecond(b);
        out.printf(
            Locale.ROOT, "img/s ratio %d-thread/%d-thread, batch %d: %.2f%n", t, base, b, ratio);
      }
    }
  }

  private static float[] pixels(int n) {
    Random random = new Random(1);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = random.nextFloat();
    }
    return values;
  }
}
