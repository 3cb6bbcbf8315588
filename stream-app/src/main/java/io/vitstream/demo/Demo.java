package io.vitstream.demo;

import io.vitstream.app.AppConfig;
import io.vitstream.app.InferenceService;
import io.vitstream.avro.Prediction;
import io.vitstream.image.ImageDecoder;
import io.vitstream.image.ImagePreprocessor;
import io.vitstream.image.RawImage;
import io.vitstream.inference.BatchClassifier;
import io.vitstream.inference.BatchShapes;
import io.vitstream.inference.ModelProvider;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.Consumers;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.metrics.Metrics;
import io.vitstream.publish.ImagePublisher;
import io.vitstream.publish.SourceImage;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole product in one process: an embedded broker, the inference service, a publisher and a
 * read_committed consumer of the predictions; then the measurements, including the bare forward
 * pass of the same model at the same batch size for comparison.
 */
public final class Demo {
  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
  private final AppConfig config;
  private final ModelProvider models;
  private final Metrics metrics;

  /**
   * @param config the app config; its brokers are replaced by the embedded broker's
   * @param models the model to serve
   */
  public Demo(AppConfig config, ModelProvider models) {
    this(config, models, Metrics.noop());
  }

  /**
   * @param metrics where the service reports (the caller serves them)
   */
  public Demo(AppConfig config, ModelProvider models, Metrics metrics) {
    this.config = config;
    this.models = models;
    this.metrics = metrics;
  }

  /** A received prediction and when it arrived. */
  private record Received(Prediction prediction, long receivedAtMs) {}

  /**
   * Runs the demo.
   *
   * @param images what to publish
   * @param timeout how long to wait for the last prediction
   * @param progress called with the number of images published so far
   */
  public DemoResult run(List<SourceImage> images, Duration timeout, IntConsumer progress)
      throws Exception {
    return run(images, timeout, progress, DemoWatch.NONE);
  }

  /**
   * Runs the demo while {@code watch} follows its topics.
   *
   * @param images what to publish
   * @param timeout how long to wait for the last prediction
   * @param progress called with the number of images published so far
   * @param watch opened once the app runs, closed after the measurements
   */
  public DemoResult run(
      List<SourceImage> images, Duration timeout, IntConsumer progress, DemoWatch watch)
      throws Exception {
    // not under the OS temp folder, which Kafka Streams warns may be cleared under it
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "vitstream");
    Files.createDirectories(cache);
    Path state = Files.createTempDirectory(cache, "demo-state-");
    long t0 = System.nanoTime();
    try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start();
        ServingModel model = models.load()) {
      double brokerStartup = (System.nanoTime() - t0) / 1e9;
      LOG.info(
          "embedded broker up at {} in {} ms",
          kafka.bootstrapServers(),
          (long) (brokerStartup * 1000));
      AppConfig c =
          config
              .withBootstrapServers(kafka.bootstrapServers())
              .withClientProperty("state.dir", state.toString());
      Map<String, Received> got = new ConcurrentHashMap<>();
      long published;
      long lastArrival;
      // the slot is not closed: the model stays open for the raw forward pass below
      var slot = new ModelSlot<>(model);
      try (InferenceService service =
              new InferenceService(c, slot, Optional.empty(), Optional.empty(), metrics);
          var consumer = consumer(c)) {
        service.start();
        service.awaitRunning(Duration.ofSeconds(60));
        try (AutoCloseable watching = watch.open(c, images, images.size())) {
          // Assigned, not subscribed: no group join delays the first read (and the measurement).
          Consumers.assignAll(consumer, c.inference().topics().predictions());
          Thread reader = reader(consumer, got, images.size(), timeout);
          long start = System.currentTimeMillis();
          String topic = c.inference().topics().images();
          new ImagePublisher(c.clientConfig(), topic, 0, ImagePublisher.DEFAULT_DELIVERY_TIMEOUT)
              .publish(images, progress)
              .requireComplete(topic);
          published = start;
          reader.join(timeout.toMillis() + 5_000);
          lastArrival = got.values().stream().mapToLong(Received::receivedAtMs).max().orElse(start);
        }
      }
      long deadLetters = count(c, c.inference().topics().deadLetters());
      double raw = rawForwardThroughput(model, images, c.inference().batch().maxBatchSize());
      return result(images, got, published, lastArrival, deadLetters, brokerStartup, raw, c);
    } finally {
      deleteQuietly(state);
    }
  }

  static KafkaConsumer<String, byte[]> consumer(AppConfig c) {
    Map<String, Object> cfg = new HashMap<>(c.clientConfig());
    cfg.put(ConsumerConfig.GROUP_ID_CONFIG, "vitstream-demo-" + UUID.randomUUID());
    cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private static Thread reader(
      KafkaConsumer<String, byte[]> consumer,
      Map<String, Received> got,
      int expected,
      Duration timeout) {
    var serde = new SingleObjectAvroSerde<>(Prediction.class);
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    Thread t =
        new Thread(
            () -> {
              while (got.size() < expected && System.currentTimeMillis() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(50))) {
                  long now = System.currentTimeMillis();
                  got.putIfAbsent(r.key(), new Received(serde.decode(r.value()), now));
                }
              }
            },
            "demo-reader");
    t.start();
    return t;
  }

  private static long count(AppConfig c, String topic) {
    long n = 0;
    try (var consumer = consumer(c)) {
      consumer.subscribe(List.of(topic));
      long end = System.currentTimeMillis() + 1_500;
      while (System.currentTimeMillis() < end) {
        n += consumer.poll(Duration.ofMillis(100)).count();
      }
    }
    return n;
  }

  /** Images per second of the forward alone, on the demo's own images, at the max batch size. */
  private static double rawForwardThroughput(
      ServingModel model, List<SourceImage> images, int batch) {
    var pre = new ImagePreprocessor(model.preprocessing());
    var decoder = ImageDecoder.withDefaultLimits();
    List<float[]> inputs = new ArrayList<>();
    for (int i = 0; i < batch && !images.isEmpty(); i++) {
      SourceImage s = images.get(i % images.size());
      RawImage img = s.pixels().orElseGet(() -> decoder.decode(s.encoded().orElseThrow()));
      float[] in = new float[model.inputLength()];
      pre.write(img, in, 0);
      inputs.add(in);
    }
    var classifier = new BatchClassifier(new BatchShapes(batch), 1);
    classifier.classify(model, inputs); // warm
    int runs = 0;
    long start = System.nanoTime();
    while (System.nanoTime() - start < 2_000_000_000L || runs < 3) {
      classifier.classify(model, inputs);
      runs++;
    }
    return runs * (double) inputs.size() / ((System.nanoTime() - start) / 1e9);
  }

  private static DemoResult result(
      List<SourceImage> images,
      Map<String, Received> got,
      long publishedAtMs,
      long lastArrivalMs,
      long deadLetters,
      double brokerStartup,
      double raw,
      AppConfig c) {
    Map<String, String> labels = new HashMap<>();
    images.forEach(i -> i.label().ifPresent(l -> labels.put(i.id(), l)));
    int known = 0;
    int correct = 0;
    double[] latencies = new double[got.size()];
    Map<Integer, Long> batches = new TreeMap<>();
    double batchSum = 0;
    double forwardMs = 0; // each batch's forward time, shared out over its images
    int k = 0;
    for (var e : got.entrySet()) {
      Prediction p = e.getValue().prediction();
      latencies[k++] = e.getValue().receivedAtMs() - p.getEventTime().toEpochMilli();
      batches.merge(p.getBatchSize(), 1L, Long::sum);
      batchSum += p.getBatchSize();
      forwardMs += p.getInferenceTimeMs() / p.getBatchSize();
      String truth = labels.get(e.getKey());
      if (truth != null) {
        known++;
        var top = p.getTopK().get(0);
        if (truth.equals(top.getLabel()) || truth.equals(Integer.toString(top.getIndex()))) {
          correct++;
        }
      }
    }
    Arrays.sort(latencies);
    double seconds = Math.max(1e-3, (lastArrivalMs - publishedAtMs) / 1e3);
    return new DemoResult(
        images.size(),
        got.size(),
        known == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) correct / known),
        got.size() / seconds,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        got.isEmpty() ? 0 : batchSum / got.size(),
        batches,
        deadLetters,
        brokerStartup,
        raw,
        forwardMs == 0 ? Double.NaN : got.size() / (forwardMs / 1e3),
        c.inference().batch().maxBatchSize());
  }

  private static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  }

  public static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temp dir is harmless
    }
  }
}
