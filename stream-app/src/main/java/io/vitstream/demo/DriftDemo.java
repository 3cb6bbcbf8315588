package io.vitstream.demo;

import ai.djl.Device;
import io.vitstream.app.AppConfig;
import io.vitstream.app.FeedbackConfig;
import io.vitstream.app.FeedbackLoop;
import io.vitstream.app.InferenceService;
import io.vitstream.avro.Feedback;
import io.vitstream.avro.ModelVersion;
import io.vitstream.avro.Prediction;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.inference.StoreModelProvider;
import io.vitstream.kafka.Consumers;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.metrics.Metrics;
import io.vitstream.publish.FashionMnistSource;
import io.vitstream.publish.ImagePublisher;
import io.vitstream.publish.SourceImage;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.store.ModelStore;
import io.vitstream.vit.Precision;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The feedback loop under drift, in one process: an embedded broker, the inference service
 * following model-versions, and the feedback service (whose topology decides rollbacks) with its
 * fine-tuning job, all on a copy of the model store. Fashion-MNIST test images are published at a
 * steady rate; after {@code driftAfter} of them the stream switches to transformed images. The true
 * label of a fraction of the predicted images is sent back as feedback. Accuracy is printed per
 * window of predictions, each ModelVersion event as it arrives, and a summary at the end.
 */
public final class DriftDemo {
  /**
   * What to run.
   *
   * @param drift the transformation
   * @param images images to publish in all
   * @param driftAfter images before the drift
   * @param feedbackFraction share of predicted images whose true label is sent back
   * @param window predictions per printed accuracy window
   * @param ratePerSecond publishing rate
   * @param regressionSize original test images (from the end of the test set, never published) the
   *     gate and the summary use against forgetting
   * @param timeout how long to wait for the last prediction after publishing
   * @param seed seeds the drift's random draws and the choice of images whose label is sent back
   */
  public record Options(
      Drift drift,
      int images,
      int driftAfter,
      double feedbackFraction,
      int window,
      double ratePerSecond,
      int regressionSize,
      Duration timeout,
      long seed) {
    public Options {
      if (images < 1 || driftAfter < 0 || driftAfter > images || window < 1) {
        throw new IllegalArgumentException("need images >= 1, 0 <= drift-after <= images");
      }
      if (feedbackFraction < 0 || feedbackFraction > 1) {
        throw new IllegalArgumentException("feedback fraction must be in [0, 1]");
      }
    }

    /** Seed 1. */
    public Options(
        Drift drift,
        int images,
        int driftAfter,
        double feedbackFraction,
        int window,
        double ratePerSecond,
        int regressionSize,
        Duration timeout) {
      this(
          drift,
          images,
          driftAfter,
          feedbackFraction,
          window,
          ratePerSecond,
          regressionSize,
          timeout,
          1);
    }
  }

  private final AppConfig config;
  private final Path sourceStore;
  private final LabeledImages test;
  private final Supplier<LabeledImages> train;
  private final PrintWriter out;
  private DemoWatch watch = DemoWatch.NONE;
  private Metrics metrics = Metrics.noop();

  /**
   * @param config the app config (the feedback loop's keys included); brokers are replaced
   * @param sourceStore the model store to copy; it is never written to
   * @param test the Fashion-MNIST test split
   * @param train the Fashion-MNIST training split, read only when fine-tuning rehearses
   * @param out where windows and events are printed as they happen
   */
  public DriftDemo(
      AppConfig config,
      Path sourceStore,
      LabeledImages test,
      Supplier<LabeledImages> train,
      PrintWriter out) {
    this.config = config;
    this.sourceStore = sourceStore;
    this.test = test;
    this.train = train;
    this.out = out;
  }

  /** Lets {@code w} follow the topics while the images are published (the live dashboard). */
  public DriftDemo watchedBy(DemoWatch w) {
    this.watch = w;
    return this;
  }

  /** Records the services' meters in {@code m} (the demo's {@code /metrics}). */
  public DriftDemo measuredBy(Metrics m) {
    this.metrics = m;
    return this;
  }

  /** Runs the demo. */
  public DriftResult run(Options o) throws Exception {
    if (o.images() + o.regressionSize() > test.count()) {
      throw new IllegalArgumentException(
          "images + regression set exceed the " + test.count() + " test images");
    }
    String name = config.model().name();
    Path tmp = Files.createTempDirectory("vitstream-drift-");
    try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
      ModelStore store = ModelStore.copyModel(sourceStore, name, tmp.resolve("model-store"));
      if (config.model().version() > 0) { // serve and fine-tune the chosen version, in the copy
        store.promote(name, config.model().version());
      }
      int champion = store.resolve(name, OptionalInt.empty());
      AppConfig c =
          config
              .withBootstrapServers(kafka.bootstrapServers())
              .withClientProperty("state.dir", tmp.resolve("state").toString());
      LabeledImages regression = test.slice(test.count() - o.regressionSize(), test.count());
      List<SourceImage> images = new ArrayList<>();
      images.addAll(FashionMnistSource.sourceImages(test.slice(0, o.driftAfter()), "orig-"));
      images.addAll(
          FashionMnistSource.sourceImages(
              o.drift().apply(test.slice(o.driftAfter(), o.images()), o.seed(), o.driftAfter()),
              "drift-"));
      Device device = Device.fromName(c.model().device());
      ServingModel first =
          new StoreModelProvider(store, name, OptionalInt.empty(), device, Precision.FP32).load();
      var data = new FeedbackLoop.OriginalData(regression, Optional.of(train));
      List<DriftResult.Arrival> events = new ArrayList<>();
      List<DriftSummary.Seen> seen = new ArrayList<>();
      List<DriftSummary.Sent> sentAt;
      try (ModelSlot<ServingModel> slot = new ModelSlot<>(first);
          InferenceService inference =
              new InferenceService(c, slot, Optional.of(store), Optional.empty(), metrics)) {
        inference.start();
        inference.awaitRunning(Duration.ofSeconds(60));
        try (FeedbackLoop loop = FeedbackLoop.start(c, store, first, data, metrics);
            AutoCloseable watching = watch.open(c, images, o.driftAfter())) {
          sentAt = watch(c, o, name, champion, images, events, seen);
          loop.throwIfFailed(); // a loop that stopped by itself fails the demo
        }
      }
      // The summary's original-data accuracy is measured on test images that neither the stream nor
      // the gate's regression set used (the regression set itself when none are left).
      int unused = test.count() - o.regressionSize() - o.images();
      LabeledImages original =
          unused > 0 ? test.slice(o.images(), o.images() + unused) : regression;
      DriftResult r =
          DriftSummary.summarize(o, store, name, champion, original, events, seen, sentAt);
      return r.promoted() ? r.withSlotSwapMs(metrics.swapPauseMaxMs()) : r;
    } finally {
      Demo.deleteQuietly(tmp);
    }
  }

  /**
   * Publishes the images while the watcher sends feedback and prints what happens; returns when the
   * last prediction was read or the time is up, with the times feedback was sent.
   */
  private List<DriftSummary.Sent> watch(
      AppConfig c,
      Options o,
      String name,
      int champion,
      List<SourceImage> images,
      List<DriftResult.Arrival> events,
      List<DriftSummary.Seen> seen)
      throws InterruptedException {
    FeedbackConfig fc = c.feedback();
    var topics = c.inference().topics();
    out.printf(
        Locale.ROOT,
        "drift demo: serving %s v%d; %d images at %.0f/s, %s after %d (seed %d); feedback for %.0f%%"
            + " of them; trigger %s; recipe %s %d epochs lr %s batch %d%n",
        name,
        champion,
        o.images(),
        o.ratePerSecond(),
        o.drift().cliName(),
        o.driftAfter(),
        o.seed(),
        100 * o.feedbackFraction(),
        fc.trigger(),
        fc.optimizer(),
        fc.epochs(),
        fc.learningRate(),
        fc.batchSize());
    out.flush();
    Watcher watcher = new Watcher(c, o, images, events, seen);
    Thread reader = new Thread(watcher, "drift-demo-reader");
    reader.start();
    new ImagePublisher(
            c.clientConfig(),
            topics.images(),
            o.ratePerSecond(),
            ImagePublisher.DEFAULT_DELIVERY_TIMEOUT)
        .publish(images, n -> {})
        .requireComplete(topics.images());
    reader.join(o.timeout().toMillis() + 10_000);
    watcher.stop = true;
    reader.join(5_000);
    return watcher.sentAt;
  }

  /** Reads predictions and versions, sends feedback, prints windows and events. */
  private final class Watcher implements Runnable {
    private final AppConfig c;
    private final Options o;
    private final Map<String, Integer> indexOf = new HashMap<>();
    private final Map<String, String> labelOf = new HashMap<>();
    private final List<DriftResult.Arrival> events;
    private final List<DriftSummary.Seen> seen;
    private final SplittableRandom random;
    final List<DriftSummary.Sent> sentAt = new ArrayList<>();
    volatile boolean stop;
    long labelsSent;

    Watcher(
        AppConfig c,
        Options o,
        List<SourceImage> images,
        List<DriftResult.Arrival> events,
        List<DriftSummary.Seen> seen) {
      this.c = c;
      this.o = o;
      this.events = events;
      this.seen = seen;
      this.random = new SplittableRandom(o.seed());
      for (int i = 0; i < images.size(); i++) {
        indexOf.put(images.get(i).id(), i);
        labelOf.put(images.get(i).id(), images.get(i).label().orElseThrow());
      }
    }

    @Override
    public void run() {
      var predictions = new SingleObjectAvroSerde<>(Prediction.class);
      var versions = new SingleObjectAvroSerde<>(ModelVersion.class);
      var feedbackSerde = new SingleObjectAvroSerde<>(Feedback.class);
      var topics = c.inference().topics();
      long deadline = Long.MAX_VALUE;
      try (KafkaConsumer<String, byte[]> pc = Demo.consumer(c);
          KafkaConsumer<String, byte[]> vc = Demo.consumer(c);
          var producer =
              new KafkaProducer<>(
                  c.clientConfig(), new StringSerializer(), feedbackSerde.serializer())) {
        Consumers.assignAll(pc, topics.predictions());
        Consumers.assignAll(vc, topics.modelVersions());
        int windowStart = 0;
        while (!stop && seen.size() < o.images() && System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<String, byte[]> r : vc.poll(Duration.ofMillis(10))) {
            ModelVersion v = versions.decode(r.value());
            events.add(new DriftResult.Arrival(seen.size(), v));
            out.println("  model-versions: " + DriftResult.describe(v));
            out.flush();
          }
          for (ConsumerRecord<String, byte[]> r : pc.poll(Duration.ofMillis(40))) {
            Integer index = indexOf.get(r.key());
            if (index == null) {
              continue;
            }
            Prediction p = predictions.decode(r.value());
            String truth = labelOf.get(r.key());
            seen.add(new DriftSummary.Seen(index, p, truth.equals(p.getTopK().get(0).getLabel())));
            if (random.nextDouble() < o.feedbackFraction()) {
              var fb =
                  Feedback.newBuilder()
                      .setImageId(r.key())
                      .setLabel(truth)
                      .setSource("demo")
                      .setEventTime(Instant.now())
                      .build();
              producer.send(new ProducerRecord<>(topics.feedback(), r.key(), fb));
              labelsSent++;
              sentAt.add(new DriftSummary.Sent(System.currentTimeMillis(), index));
            }
            if (seen.size() - windowStart == o.window()) {
              printDriftWindow(
                  DriftSummary.window(seen.subList(windowStart, seen.size()), o, windowStart));
              windowStart = seen.size();
            }
          }
          if (deadline == Long.MAX_VALUE && seen.size() > 0) {
            // the run ends at most timeout + the publishing time after the first prediction
            deadline =
                System.currentTimeMillis()
                    + o.timeout().toMillis()
                    + (long) (1000 * o.images() / Math.max(1, o.ratePerSecond()));
          }
        }
        if (windowStart < seen.size()) {
          printDriftWindow(
              DriftSummary.window(seen.subList(windowStart, seen.size()), o, windowStart));
        }
        producer.flush();
        // versions announced after the last prediction
        for (ConsumerRecord<String, byte[]> r : vc.poll(Duration.ofMillis(200))) {
          ModelVersion v = versions.decode(r.value());
          events.add(new DriftResult.Arrival(seen.size(), v));
          out.println("  model-versions: " + DriftResult.describe(v));
        }
        out.flush();
      }
    }

    private void printDriftWindow(DriftWindow w) {
      out.printf(
          Locale.ROOT,
          "window %5d-%5d %-8s accuracy %.3f  served by %s  labels sent %d%n",
          w.first(),
          w.first() + w.count() - 1,
          w.drifted() ? "drifted" : "original",
          w.accuracy(),
          w.versions(),
          labelsSent);
      out.flush();
    }
  }
}
