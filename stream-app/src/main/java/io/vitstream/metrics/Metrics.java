package io.vitstream.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The app's meters, named by Prometheus conventions (see the README's metrics table). Every method
 * only counts or sets a value, never blocks, so processors call it on the stream threads. {@link
 * #noop()} keeps the same calls for tests and benchmarks that serve no endpoint.
 */
public final class Metrics implements AutoCloseable {
  /** Batch sizes worth a bucket: the padded shapes, powers of two up to the largest batch. */
  private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  private final MeterRegistry registry;
  private final Optional<PrometheusMeterRegistry> prometheus;
  private final Optional<JvmGcMetrics> gc;
  private final Counter imagesIn;
  private final Counter predictionsOut;
  private final DistributionSummary batchSize;
  private final DistributionSummary paddedSize;
  private final Timer forward;
  private final Timer endToEnd;
  private final Timer swapPause;
  private final LongAdder buffered = new LongAdder();
  private final Map<String, AtomicLong> accuracies = new ConcurrentHashMap<>();

  private Metrics(MeterRegistry registry, Optional<PrometheusMeterRegistry> prometheus) {
    this.registry = registry;
    this.prometheus = prometheus;
    imagesIn =
        Counter.builder("vitstream.images.in")
            .description("Image records read from the images topic")
            .register(registry);
    predictionsOut =
        Counter.builder("vitstream.predictions.out")
            .description("Predictions made (one per image)")
            .register(registry);
    batchSize =
        DistributionSummary.builder("vitstream.batch.size")
            .description("Images per forward pass")
            .serviceLevelObjectives(BATCH_BUCKETS)
            .register(registry);
    paddedSize =
        DistributionSummary.builder("vitstream.batch.padded.size")
            .description("Batch size after padding to a warmed-up shape")
            .serviceLevelObjectives(BATCH_BUCKETS)
            .register(registry);
    forward =
        Timer.builder("vitstream.forward")
            .description("Forward pass of one batch")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    endToEnd =
        Timer.builder("vitstream.end.to.end.latency")
            .description("From an image's event time to its prediction's output time")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(2))
            .register(registry);
    swapPause =
        Timer.builder("vitstream.swap.pause")
            .description("Installing a new model version in the serving slot (batches wait none)")
            .register(registry);
    Gauge.builder("vitstream.buffered.images", buffered, LongAdder::doubleValue)
        .description("Images in the micro-batch buffers, waiting for a forward pass")
        .register(registry);
    Gauge.builder("vitstream.native.memory", ResidentMemory::bytes)
        .description("Resident memory of the process (heap, libtorch, RocksDB, buffers)")
        .baseUnit("bytes")
        .register(registry);
    if (prometheus.isPresent()) {
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ClassLoaderMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      JvmGcMetrics g = new JvmGcMetrics();
      g.bindTo(registry);
      gc = Optional.of(g);
    } else {
      gc = Optional.empty();
    }
  }

  /** Meters for Prometheus, with the JVM's bound. */
  public static Metrics prometheus() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new Metrics(r, Optional.of(r));
  }

  /** Meters that record nothing. */
  public static Metrics noop() {
    return new Metrics(new CompositeMeterRegistry(), Optional.empty());
  }

  /** The registry, for meters of other parts (e.g. a dashboard's). */
  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter in the Prometheus text format; empty for {@link #noop()}. */
  public String scrape() {
    return prometheus.map(PrometheusMeterRegistry::scrape).orElse("");
  }

  /** One image record read. */
  public void imageIn() {
    imagesIn.increment();
  }

  /**
   * One forward pass done.
   *
   * @param images the batch's images (= predictions made)
   * @param padded the shape it ran at
   * @param forwardMillis how long the pass took
   */
  public void batch(int images, int padded, double forwardMillis) {
    predictionsOut.increment(images);
    batchSize.record(images);
    paddedSize.record(padded);
    forward.record(Math.round(forwardMillis * 1e6), TimeUnit.NANOSECONDS);
  }

  /** One prediction out, {@code millis} after its image's event time. */
  public void endToEnd(long millis) {
    endToEnd.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  /** One dead letter; {@code reason} is its stage (deserialize, decode, process, produce). */
  public void deadLetter(String reason) {
    Counter.builder("vitstream.dead.letters")
        .description("Records refused, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** The images buffered by all micro-batchers: each adds what it buffers and removes. */
  public LongAdder bufferedImages() {
    return buffered;
  }

  /** Reports the version of {@code model} that {@code source} serves, read at each scrape. */
  public <T> void modelVersion(String model, T source, ToDoubleFunction<T> version) {
    Gauge.builder("vitstream.model.version", source, version)
        .description("Version of the model served")
        .tag("model", model)
        .strongReference(true)
        .register(registry);
  }

  /** The live accuracy of one model version over the last window of labelled predictions. */
  public void liveAccuracy(String model, int version, double accuracy) {
    String key = model + "/" + version;
    AtomicLong bits =
        accuracies.computeIfAbsent(
            key,
            k -> {
              AtomicLong b = new AtomicLong(Double.doubleToLongBits(Double.NaN));
              Gauge.builder("vitstream.live.accuracy", b, x -> Double.longBitsToDouble(x.get()))
                  .description("Agreement of a version's predictions with the labels sent back")
                  .tag("model", model)
                  .tag("version", String.valueOf(version))
                  .register(registry);
              return b;
            });
    bits.set(Double.doubleToLongBits(accuracy));
  }

  /**
   * One model-version event: a fine-tuning run's outcome and the gate's decision, or a rollback. A
   * fine-tuned version is PROMOTED with a parent; a REJECTED event with metrics was refused by the
   * gate, one without was a run that aborted before the gate.
   */
  public void modelEvent(ModelVersion event) {
    ModelStatus status = event.getStatus();
    boolean gated = event.getMetrics() != null && !event.getMetrics().isEmpty();
    if (status == ModelStatus.PROMOTED && event.getParentVersion() != null) {
      fineTuneRun("promoted");
      gateDecision("promote");
    } else if (status == ModelStatus.REJECTED) {
      fineTuneRun(gated ? "rejected" : "aborted");
      if (gated) {
        gateDecision("reject");
      }
    } else if (status == ModelStatus.ROLLED_BACK) {
      gateDecision("rollback");
    }
  }

  private void fineTuneRun(String outcome) {
    Counter.builder("vitstream.finetune.runs")
        .description("Fine-tuning runs, by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  private void gateDecision(String decision) {
    Counter.builder("vitstream.gate.decisions")
        .description("Promotion gate and rollback decisions")
        .tag("decision", decision)
        .register(registry)
        .increment();
  }

  /** The longest install of a new model version so far, in milliseconds (0 when none). */
  public double swapPauseMaxMs() {
    return swapPause.max(TimeUnit.NANOSECONDS) / 1e6;
  }

  /** How long installing a new model version took. */
  public void swapPause(long nanos) {
    swapPause.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Binds a Kafka Streams client's metrics ({@code kafka_stream_*}); close the result with the
   * client.
   */
  public KafkaStreamsMetrics bind(KafkaStreams streams) {
    KafkaStreamsMetrics m = new KafkaStreamsMetrics(streams);
    m.bindTo(registry);
    return m;
  }

  @Override
  public void close() {
    gc.ifPresent(JvmGcMetrics::close);
    registry.close();
  }
}
