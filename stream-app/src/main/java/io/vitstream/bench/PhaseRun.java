package io.vitstream.bench;

import io.vitstream.app.AppConfig;
import io.vitstream.app.InferenceService;
import io.vitstream.avro.Prediction;
import io.vitstream.inference.Classifier;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.Consumers;
import io.vitstream.kafka.TopicAdmin;
import io.vitstream.publish.ImagePublisher;
import io.vitstream.publish.SourceImage;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One phase of a benchmark: the inference service on its own topics, fed either a backlog (every
 * record published before it starts: it runs at capacity) or a paced stream (a fixed offered load),
 * and every prediction read back {@code read_committed} with its arrival time.
 *
 * @param arrivalsMillis when each prediction arrived, wall clock
 * @param predictions the predictions, in arrival order
 */
record PhaseRun(long[] arrivalsMillis, List<Prediction> predictions) {

  /**
   * Runs a phase.
   *
   * @param ratePerSecond 0: publish everything first; else publish at this rate while it runs
   * @param classifier a forward pass other than the model's, if any
   * @param before called once the service runs, before the outputs are read (e.g. to sample)
   */
  static PhaseRun run(
      AppConfig c,
      ServingModel model,
      List<SourceImage> images,
      double ratePerSecond,
      Optional<Classifier> classifier,
      Runnable before)
      throws Exception {
    var topics = c.inference().topics();
    try (Admin admin = Admin.create(c.clientConfig())) {
      TopicAdmin.createMissing(admin, topics, c.topicPartitions());
    }
    var publisher =
        new ImagePublisher(
            c.clientConfig(),
            topics.images(),
            ratePerSecond,
            ImagePublisher.DEFAULT_DELIVERY_TIMEOUT);
    if (ratePerSecond == 0) {
      publisher.publish(images, n -> {}).requireComplete(topics.images());
    }
    long[] arrivals = new long[images.size()];
    List<Prediction> predictions = new ArrayList<>(images.size());
    // not closed here: closing a slot closes its model, which is the caller's
    ModelSlot<ServingModel> slot = new ModelSlot<>(model);
    try (InferenceService service = new InferenceService(c, slot, Optional.empty(), classifier);
        var consumer = consumer(c)) {
      service.start();
      before.run();
      CompletableFuture<?> paced =
          ratePerSecond == 0
              ? CompletableFuture.completedFuture(null)
              : CompletableFuture.runAsync(
                  () -> {
                    try {
                      publisher.publish(images, n -> {}).requireComplete(topics.images());
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
      Consumers.assignAll(consumer, topics.predictions());
      var serde = new SingleObjectAvroSerde<>(Prediction.class);
      long deadline = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
      int got = 0;
      while (got < images.size() && System.currentTimeMillis() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(20))) {
          if (got < arrivals.length) {
            arrivals[got++] = System.currentTimeMillis();
            predictions.add(serde.decode(r.value()));
          }
        }
        service.throwIfFailed();
      }
      paced.join();
      if (got < images.size()) {
        throw new IllegalStateException(
            "only " + got + " of " + images.size() + " predictions within 10 minutes");
      }
    }
    return new PhaseRun(arrivals, predictions);
  }

  /** The mean batch size the predictions ran in. */
  double meanBatch() {
    return predictions.size() / batches();
  }

  /** The mean forward time per batch, in milliseconds. */
  double forwardMsPerBatch() {
    return forwardMsTotal() / batches();
  }

  /** The forward time of all batches, in milliseconds. */
  double forwardMsTotal() {
    return predictions.stream().mapToDouble(p -> p.getInferenceTimeMs() / p.getBatchSize()).sum();
  }

  private double batches() {
    return predictions.stream().mapToDouble(p -> 1.0 / p.getBatchSize()).sum();
  }

  /** The {@code q} quantile of latency (event time to arrival), after the first {@code skip}. */
  double latencyMs(double q, double skip) {
    return quantile(q, skip, i -> arrivalsMillis[i] - eventMs(i));
  }

  /** The latency's parts (median and p99 of each), after the first {@code skip}. */
  LatencyPoint.Parts parts(double skip) {
    return new LatencyPoint.Parts(
        split(skip, i -> outputMs(i) - eventMs(i)),
        split(skip, i -> outputMs(i) - eventMs(i) - forwardMs(i)),
        split(skip, this::forwardMs),
        split(skip, i -> arrivalsMillis[i] - outputMs(i)));
  }

  /** The forward time of the batch that image {@code i} ran in. */
  private double forwardMs(int i) {
    return predictions.get(i).getInferenceTimeMs();
  }

  private LatencyPoint.Split split(double skip, java.util.function.IntToDoubleFunction ms) {
    return new LatencyPoint.Split(quantile(0.50, skip, ms), quantile(0.99, skip, ms));
  }

  private long eventMs(int i) {
    return predictions.get(i).getEventTime().toEpochMilli();
  }

  private long outputMs(int i) {
    return predictions.get(i).getOutputTime().toEpochMilli();
  }

  private double quantile(double q, double skip, java.util.function.IntToDoubleFunction ms) {
    double[] l = new double[predictions.size()];
    for (int i = 0; i < l.length; i++) {
      l[i] = ms.applyAsDouble(i);
    }
    int first = (int) (l.length * skip);
    double[] steady = Arrays.copyOfRange(l, first, l.length);
    Arrays.sort(steady);
    return steady[(int) Math.min(steady.length - 1, Math.ceil(q * steady.length) - 1)];
  }

  private static KafkaConsumer<String, byte[]> consumer(AppConfig c) {
    Map<String, Object> cfg = new HashMap<>(c.clientConfig());
    cfg.put(ConsumerConfig.GROUP_ID_CONFIG, "vitstream-bench-" + UUID.randomUUID());
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cfg.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    return new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
