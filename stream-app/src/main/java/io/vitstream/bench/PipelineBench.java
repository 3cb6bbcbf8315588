package io.vitstream.bench;

import io.vitstream.app.AppConfig;
import io.vitstream.app.InferenceService;
import io.vitstream.avro.Prediction;
import io.vitstream.image.ImageDecoder;
import io.vitstream.image.ImagePreprocessor;
import io.vitstream.image.RawImage;
import io.vitstream.inference.BatchClassifier;
import io.vitstream.inference.BatchShapes;
import io.vitstream.inference.Classifier;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.TopicAdmin;
import io.vitstream.publish.ImagePublisher;
import io.vitstream.publish.SourceImage;
import io.vitstream.runtime.Djl;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code vitstream bench pipeline}: in one run, on the same records, batch size and threads, the
 * raw batched forward of the served model, the Kafka ceiling (the same exactly-once topology with a
 * no-op forward) and the pipeline end to end. Both pipeline phases start with every record already
 * published, so they run at capacity; their rates are taken in the steady part of the run, after
 * warm-up. The pipeline phase is sampled with JFR to say where its CPU goes.
 */
public final class PipelineBench {
  private final Function<String, AppConfig> configs;
  private final double skip;
  private final Duration rawTime;
  private final Consumer<String> log;

  /**
   * @param configs the config of each phase ("ceiling", "pipeline"), each with its own application
   *     id and topics, on the broker to use
   * @param skip the share of the first outputs left out as warm-up
   * @param rawTime how long each raw-forward measurement runs
   * @param log progress lines
   */
  public PipelineBench(
      Function<String, AppConfig> configs, double skip, Duration rawTime, Consumer<String> log) {
    this.configs = configs;
    this.skip = skip;
    this.rawTime = rawTime;
    this.log = log;
  }

  /** Runs the three measurements; the model is the caller's and stays open. */
  public PipelineReport run(ServingModel model, List<SourceImage> images) throws Exception {
    AppConfig base = configs.apply("pipeline");
    int batch = base.inference().batch().maxBatchSize();
    Map<String, Integer> threads = new LinkedHashMap<>();
    threads.put("stream", base.streamThreads());
    threads.put("intra-op", base.intraOpThreads());
    threads.put("batches in flight", base.inference().batch().maxInFlight());
    log.accept("threads: " + threads + "; batch " + batch + "; " + images.size() + " images");
    Djl.setIntraOpThreads(base.intraOpThreads());
    double rawBefore = rawForward(model, images, batch);
    log.accept(String.format("raw forward: %.1f img/s", rawBefore));
    var shapes = new BatchShapes(batch);
    Phase ceiling =
        phase(
            configs.apply("ceiling"),
            model,
            images,
            Optional.of(new NoopClassifier(shapes, base.inference().topK())),
            false);
    log.accept(String.format("Kafka ceiling: %.1f img/s", ceiling.rate().perSecond()));
    Phase pipeline = phase(base, model, images, Optional.empty(), true);
    log.accept(String.format("pipeline: %.1f img/s", pipeline.rate().perSecond()));
    double rawAfter = rawForward(model, images, batch);
    log.accept(String.format("raw forward again: %.1f img/s", rawAfter));
    return new PipelineReport(
        images.size(),
        batch,
        threads,
        rawBefore,
        rawAfter,
        ceiling.rate(),
        pipeline.rate(),
        pipeline.meanBatch(),
        pipeline.forwardMsPerBatch(),
        pipeline.cpuMicrosPerImage());
  }

  /** What one pipeline phase measured. */
  private record Phase(
      SteadyRate rate,
      double meanBatch,
      double forwardMsPerBatch,
      Map<String, Double> cpuMicrosPerImage) {}

  private Phase phase(
      AppConfig c,
      ServingModel model,
      List<SourceImage> images,
      Optional<Classifier> classifier,
      boolean profile)
      throws Exception {
    var topics = c.inference().topics();
    try (Admin admin = Admin.create(c.clientConfig())) {
      TopicAdmin.createMissing(admin, topics, c.topicPartitions());
    }
    new ImagePublisher(
            c.clientConfig(), topics.images(), 0, ImagePublisher.DEFAULT_DELIVERY_TIMEOUT)
        .publish(images, n -> {})
        .requireComplete(topics.images());
    long[] arrivals = new long[images.size()];
    List<Prediction> predictions = new ArrayList<>(images.size());
    // not closed here: closing a slot closes its model, which is the caller's
    ModelSlot<ServingModel> slot = new ModelSlot<>(model);
    StageProfile sampler = profile ? StageProfile.start() : null;
    ThreadCpu cpu = profile ? ThreadCpu.start() : null;
    try (InferenceService service = new InferenceService(c, slot, Optional.empty(), classifier);
        var consumer = consumer(c)) {
      service.start();
      List<TopicPartition> parts =
          consumer.partitionsFor(topics.predictions()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      var serde = new SingleObjectAvroSerde<>(Prediction.class);
      long deadline = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
      int got = 0;
      while (got < images.size() && System.currentTimeMillis() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(50))) {
          if (got < arrivals.length) {
            arrivals[got++] = System.currentTimeMillis();
            predictions.add(serde.decode(r.value()));
          }
        }
        service.throwIfFailed();
      }
      if (got < images.size()) {
        throw new IllegalStateException(
            "only " + got + " of " + images.size() + " predictions within 10 minutes");
      }
    }
    SteadyRate rate = SteadyRate.of(arrivals, skip);
    double batches = predictions.stream().mapToDouble(p -> 1.0 / p.getBatchSize()).sum();
    double forwardMs =
        predictions.stream().mapToDouble(p -> p.getInferenceTimeMs() / p.getBatchSize()).sum();
    Map<String, Double> perImage = new LinkedHashMap<>();
    if (profile) {
      try (sampler;
          cpu) {
        long[] sorted = arrivals.clone();
        java.util.Arrays.sort(sorted);
        long from = sorted[(int) (sorted.length * skip)];
        long to = from + (long) (rate.seconds() * 1000);
        var breakdown =
            new StageBreakdown(
                cpu.between(from, to),
                sampler.samples(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)),
                forwardMs / predictions.size() * 1e3 * rate.outputs() / 1e6,
                c.inference().batch().maxInFlight() > 0);
        breakdown.microsPerImage(rate.outputs()).forEach(perImage::put);
      }
    }
    return new Phase(rate, predictions.size() / batches, forwardMs / batches, perImage);
  }

  /** Images per second of the bare batched forward, on these images, after warm-up. */
  private double rawForward(ServingModel model, List<SourceImage> images, int batch) {
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

  private static KafkaConsumer<String, byte[]> consumer(AppConfig c) {
    Map<String, Object> cfg = new HashMap<>(c.clientConfig());
    cfg.put(ConsumerConfig.GROUP_ID_CONFIG, "vitstream-bench-" + UUID.randomUUID());
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cfg.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    return new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
