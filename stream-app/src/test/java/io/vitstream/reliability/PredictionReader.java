package io.vitstream.reliability;

import io.vitstream.avro.Prediction;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the predictions topic from the start, {@code read_committed}, on a thread of its own until
 * closed: counts every prediction per image id, and the top-1 labels that match the true ones.
 */
final class PredictionReader implements AutoCloseable {
  private final Map<String, Integer> perId = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger correct = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final Thread thread;

  private PredictionReader(
      Map<String, Object> props, String topic, Function<String, String> truth) {
    this.thread = new Thread(() -> read(props, topic, truth), "predictions-reader");
  }

  /**
   * @param truth the true label of an image id
   */
  static PredictionReader start(String bootstrap, String topic, Function<String, String> truth) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG, "soak-it-reader",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    PredictionReader reader = new PredictionReader(props, topic, truth);
    reader.thread.start();
    return reader;
  }

  private void read(Map<String, Object> props, String topic, Function<String, String> truth) {
    var values = new SingleObjectAvroSerde<>(Prediction.class).deserializer();
    try (var c = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
      c.subscribe(List.of(topic));
      while (running.get()) {
        for (var r : c.poll(Duration.ofMillis(100))) {
          perId.merge(r.key(), 1, Integer::sum);
          if (r.value().getTopK().get(0).getLabel().equals(truth.apply(r.key()))) {
            correct.incrementAndGet();
          }
          total.incrementAndGet();
        }
      }
    } catch (RuntimeException e) {
      failure.set(e);
    }
  }

  /** Predictions read so far, duplicates included. */
  int total() {
    return total.get();
  }

  /** Distinct image ids predicted so far. */
  int distinct() {
    return perId.size();
  }

  /** Top-1 predictions that named the true label. */
  int correct() {
    return correct.get();
  }

  /** The reader thread's failure, if it stopped on one. */
  Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure.get());
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join();
  }
}
