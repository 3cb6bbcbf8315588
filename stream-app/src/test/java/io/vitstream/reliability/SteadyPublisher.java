package io.vitstream.reliability;

import io.vitstream.avro.ImageEvent;
import io.vitstream.publish.ImagePublisher;
import io.vitstream.publish.SourceImage;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a data set's images at a steady rate until closed: every 100 ms a tenth of the rate,
 * cycling the data set, with ids {@code PREFIX0, PREFIX1, ...} in sending order (idempotent
 * producer, {@code acks=all}). Counts the images sent and those the brokers refused.
 */
final class SteadyPublisher implements AutoCloseable {
  private static final long TICK_MS = 100;

  private final List<SourceImage> dataset;
  private final String topic;
  private final String prefix;
  private final int perTick;
  private final KafkaProducer<String, ImageEvent> producer;
  private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<Exception> error = new AtomicReference<>();

  private SteadyPublisher(
      String bootstrap, String topic, List<SourceImage> dataset, String prefix, int perSecond) {
    this.dataset = List.copyOf(dataset);
    this.topic = topic;
    this.prefix = prefix;
    this.perTick = Math.max(1, perSecond / 10);
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                5),
            new StringSerializer(),
            new SingleObjectAvroSerde<>(ImageEvent.class).serializer());
  }

  /** Starts publishing {@code perSecond} images a second. */
  static SteadyPublisher start(
      String bootstrap, String topic, List<SourceImage> dataset, String prefix, int perSecond) {
    var p = new SteadyPublisher(bootstrap, topic, dataset, prefix, perSecond);
    p.ticks.scheduleAtFixedRate(p::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    return p;
  }

  /**
   * Sends image {@code n} (the dataset's image {@code n} modulo its size) as {@code prefix + n},
   * counting a refused send in {@code failed}; the first send waits for its ack (KAFKA-15591: the
   * first send to a new topic could be lost).
   */
  static void send(
      KafkaProducer<String, ImageEvent> producer,
      String topic,
      String prefix,
      int n,
      List<SourceImage> dataset,
      AtomicInteger failed)
      throws InterruptedException, ExecutionException {
    SourceImage img = dataset.get(n % dataset.size());
    ImageEvent event =
        ImagePublisher.toEvent(
            SourceImage.pixels(prefix + n, img.pixels().orElseThrow(), img.label()));
    var ack =
        producer.send(
            new ProducerRecord<>(topic, event.getImageId(), event),
            (md, e) -> {
              if (e != null) {
                failed.incrementAndGet();
              }
            });
    if (n == 0) {
      ack.get();
    }
  }

  private void tick() {
    try {
      for (int k = 0; k < perTick; k++) {
        int n = sent.get();
        send(producer, topic, prefix, n, dataset, failed);
        sent.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      error.compareAndSet(null, e);
      throw new IllegalStateException("publishing failed", e);
    }
  }

  /** Images handed to the producer so far; the next image's number. */
  int sent() {
    return sent.get();
  }

  /** Images the brokers refused (after the producer's retries). */
  int failed() {
    return failed.get();
  }

  /** What stopped the publishing, if anything did. */
  Optional<Exception> error() {
    return Optional.ofNullable(error.get());
  }

  /** The true label of an image id this publisher sent. */
  String truth(String id) {
    int n = Integer.parseInt(id.substring(prefix.length()));
    return dataset.get(n % dataset.size()).label().orElseThrow();
  }

  /** Stops the ticks, then waits until every image sent is acknowledged or refused. */
  @Override
  public void close() throws InterruptedException {
    if (ticks.isShutdown()) {
      return;
    }
    ticks.shutdown();
    ticks.awaitTermination(30, TimeUnit.SECONDS);
    producer.flush();
    producer.close();
  }
}
