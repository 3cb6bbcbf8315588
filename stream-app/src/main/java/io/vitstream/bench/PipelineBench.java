package io.vitstream.bench;

import io.vitstream.app.AppConfig;
import io.vitstream.app.ConfigKeys;
import io.vitstream.image.ImageDecoder;
import io.vitstream.image.ImagePreprocessor;
import io.vitstream.image.RawImage;
import io.vitstream.inference.BatchClassifier;
import io.vitstream.inference.BatchShapes;
import io.vitstream.inference.ServingModel;
import io.vitstream.publish.SourceImage;
import io.vitstream.runtime.Djl;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * {@code vitstream bench pipeline}: in one run, on the same records, batch size and threads, the
 * raw batched forward of the served model, the Kafka ceiling (the same exactly-once topology with a
 * no-op forward) and the pipeline end to end, then the latency at half the pipeline's measured
 * capacity. Both capacity phases start with every record already published; their rates are taken
 * in the steady part of the run, after warm-up. The pipeline phase is profiled: exact CPU per
 * thread, JFR samples per stage.
 */
public final class PipelineBench {
  private final BiFunction<String, Map<String, String>, AppConfig> configs;
  private final double skip;
  private final Duration rawTime;
  private final Consumer<String> log;

  /**
   * @param configs the config of a phase, by phase name and extra settings: each phase gets its own
   *     application id and topics, on the broker to use
   * @param skip the share of the first outputs left out as warm-up
   * @param rawTime how long each raw-forward measurement runs
   * @param log progress lines
   */
  public PipelineBench(
      BiFunction<String, Map<String, String>, AppConfig> configs,
      double skip,
      Duration rawTime,
      Consumer<String> log) {
    this.configs = configs;
    this.skip = skip;
    this.rawTime = rawTime;
    this.log = log;
  }

  /** Runs the measurements; the model is the caller's and stays open. */
  public PipelineReport run(ServingModel model, List<SourceImage> images) throws Exception {
    AppConfig base = configs.apply("pipeline", Map.of());
    int batch = base.inference().batch().maxBatchSize();
    Map<String, Integer> threads = new LinkedHashMap<>();
    threads.put("stream", base.streamThreads());
    threads.put("intra-op", base.intraOpThreads());
    threads.put("batches in flight", base.inference().batch().maxInFlight());
    log.accept("threads: " + threads + "; batch " + batch + "; " + images.size() + " images");
    Djl.setIntraOpThreads(base.intraOpThreads());
    double rawBefore = rawForward(model, images, batch);
    log.accept(String.format("raw forward: %.1f img/s", rawBefore));
    var noop = new NoopClassifier(new BatchShapes(batch), base.inference().topK());
    // the ceiling is an order of magnitude faster: three rounds of the records give it a steady
    // window of a few seconds too
    List<SourceImage> rounds = new ArrayList<>(images);
    rounds.addAll(images);
    rounds.addAll(images);
    PhaseRun ceiling =
        PhaseRun.run(
            configs.apply("ceiling", Map.of()), model, rounds, 0, Optional.of(noop), () -> {});
    SteadyRate ceilingRate = SteadyRate.of(ceiling.arrivalsMillis(), skip);
    log.accept(String.format("Kafka ceiling: %.1f img/s", ceilingRate.perSecond()));
    PhaseRun pipeline = PhaseRun.run(base, model, images, 0, Optional.empty(), () -> {});
    SteadyRate pipelineRate = SteadyRate.of(pipeline.arrivalsMillis(), skip);
    // the breakdown comes from a phase of its own: sampling costs the pipeline some speed
    Map<String, Double> stages;
    try (StageProfile sampler = StageProfile.start();
        ThreadCpu cpu = ThreadCpu.start()) {
      PhaseRun profiled =
          PhaseRun.run(
              configs.apply("profiled", Map.of()), model, images, 0, Optional.empty(), () -> {});
      stages = stages(profiled, SteadyRate.of(profiled.arrivalsMillis(), skip), sampler, cpu, base);
    }
    log.accept(String.format("pipeline: %.1f img/s", pipelineRate.perSecond()));
    double rawAfter = rawForward(model, images, batch);
    log.accept(String.format("raw forward again: %.1f img/s", rawAfter));
    LatencyPoint half = latency("half-load", Map.of(), model, images, pipelineRate.perSecond() / 2);
    log.accept(String.format("latency at %.0f img/s: %s", half.offered(), half));
    return new PipelineReport(
        images.size(),
        batch,
        base.inference().batch().maxDelay().toMillis(),
        threads,
        rawBefore,
        rawAfter,
        ceilingRate,
        pipelineRate,
        pipeline.meanBatch(),
        pipeline.forwardMsPerBatch(),
        stages,
        half);
  }

  /**
   * Latency at an offered load: images published at {@code rate} for about 15 s while the app runs.
   */
  LatencyPoint latency(
      String phase,
      Map<String, String> settings,
      ServingModel model,
      List<SourceImage> images,
      double rate)
      throws Exception {
    int n = (int) Math.min(images.size(), Math.max(500, rate * 15));
    PhaseRun run =
        PhaseRun.run(
            configs.apply(phase, settings),
            model,
            images.subList(0, n),
            rate,
            Optional.empty(),
            () -> {});
    return new LatencyPoint(
        rate,
        SteadyRate.of(run.arrivalsMillis(), skip).perSecond(),
        run.latencyMs(0.50, skip),
        run.latencyMs(0.99, skip),
        run.forwardMsPerBatch(),
        run.meanBatch(),
        run.parts(skip));
  }

  /** Capacity (backlog) of the pipeline with other settings, e.g. another batch size. */
  SteadyRate capacity(
      String phase, Map<String, String> settings, ServingModel model, List<SourceImage> images)
      throws Exception {
    PhaseRun run =
        PhaseRun.run(configs.apply(phase, settings), model, images, 0, Optional.empty(), () -> {});
    return SteadyRate.of(run.arrivalsMillis(), skip);
  }

  private Map<String, Double> stages(
      PhaseRun run, SteadyRate rate, StageProfile sampler, ThreadCpu cpu, AppConfig c) {
    long[] sorted = run.arrivalsMillis().clone();
    Arrays.sort(sorted);
    long from = sorted[(int) (sorted.length * skip)];
    long to = from + (long) (rate.seconds() * 1000);
    double forwardSeconds = run.forwardMsTotal() / run.predictions().size() * rate.outputs() / 1e3;
    return new StageBreakdown(
            cpu.between(from, to),
            sampler.samples(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)),
            forwardSeconds,
            c.inference().batch().maxInFlight() > 0)
        .microsPerImage(rate.outputs());
  }

  /** Images per second of the bare batched forward, on these images, after warm-up. */
  double rawForward(ServingModel model, List<SourceImage> images, int batch) {
    var pre = new ImagePreprocessor(model.preprocessing());
    var decoder = ImageDecoder.withDefaultLimits();
    List<float[]> inputs = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      SourceImage s = images.get(i % images.size());
      RawImage img = s.pixels().orElseGet(() -> decoder.decode(s.encoded().orElseThrow()));
      float[] in = new float[model.inputLength()];
      pre.write(img, in, 0);
      inputs.add(in);
    }
    var classifier = new BatchClassifier(new BatchShapes(batch), 1);
    for (int i = 0; i < 20; i++) {
      classifier.classify(model, inputs);
    }
    int runs = 0;
    long start = System.nanoTime();
    while (System.nanoTime() - start < rawTime.toNanos() || runs < 3) {
      classifier.classify(model, inputs);
      runs++;
    }
    return runs * (double) batch / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * Capacity against batch size and delay, and latency at 25 to 90 % of the measured capacity.
   *
   * @param report the run this sweep extends (its capacity sets the loads)
   */
  public Sweep sweep(ServingModel model, List<SourceImage> images, PipelineReport report)
      throws Exception {
    List<double[]> byBatch = new ArrayList<>();
    for (int b : new int[] {8, 16, 32, 64}) {
      SteadyRate r = capacity("batch" + b, batching(b, report.maxBatchDelayMs()), model, images);
      log.accept(String.format("batch %d: %.1f img/s", b, r.perSecond()));
      byBatch.add(new double[] {b, r.perSecond()});
    }
    List<double[]> byDelay = new ArrayList<>();
    for (long d : new long[] {5, 20, 50, 100}) {
      SteadyRate r = capacity("delay" + d, batching(report.maxBatchSize(), d), model, images);
      log.accept(String.format("delay %d ms: %.1f img/s", d, r.perSecond()));
      byDelay.add(new double[] {d, r.perSecond()});
    }
    List<LatencyPoint> byLoad = new ArrayList<>();
    for (double share : new double[] {0.25, 0.5, 0.75, 0.9}) {
      double rate = share * report.pipeline().perSecond();
      LatencyPoint l = latency("load" + Math.round(share * 100), Map.of(), model, images, rate);
      log.accept(String.format("load %.0f img/s: %s", rate, l));
      byLoad.add(l);
    }
    return new Sweep(byBatch, byDelay, byLoad, report.latencyGoalMs());
  }

  /** Settings for a phase with another batch size and delay. */
  static Map<String, String> batching(int maxBatchSize, long maxDelayMs) {
    return Map.of(
        ConfigKeys.MAX_BATCH_SIZE.name(),
        Integer.toString(maxBatchSize),
        ConfigKeys.MAX_BATCH_DELAY_MS.name(),
        Long.toString(maxDelayMs));
  }
}
