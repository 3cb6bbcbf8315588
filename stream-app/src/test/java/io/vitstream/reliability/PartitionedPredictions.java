package io.vitstream.reliability;

import io.vitstream.avro.Prediction;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the predictions topic from the start, {@code read_committed}, on a thread of its own until
 * closed, and keeps every prediction with its partition, offset, model version and arrival time:
 * enough to tell, per partition, when output resumed after a failure and which version served.
 */
final class PartitionedPredictions implements AutoCloseable {
  /** One prediction as read. */
  record Seen(String id, int partition, long offset, int version, String label, long atMs) {}

  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final Thread thread;

  private PartitionedPredictions(Map<String, Object> props, String topic) {
    this.thread = new Thread(() -> read(props, topic), "partitioned-predictions");
  }

  static PartitionedPredictions start(String bootstrap, String topic) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG, "cluster-it-reader",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    PartitionedPredictions reader = new PartitionedPredictions(props, topic);
    reader.thread.start();
    return reader;
  }

  private void read(Map<String, Object> props, String topic) {
    var values = new SingleObjectAvroSerde<>(Prediction.class).deserializer();
    try (var c = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
      c.subscribe(List.of(topic));
      while (running.get()) {
        for (var r : c.poll(Duration.ofMillis(100))) {
          long now = System.currentTimeMillis();
          seen.add(
              new Seen(
                  r.key(),
                  r.partition(),
                  r.offset(),
                  r.value().getModelVersion(),
                  r.value().getTopK().get(0).getLabel(),
                  now));
        }
      }
    } catch (RuntimeException e) {
      failure.set(e);
    }
  }

  /** Predictions read so far, duplicates included. */
  int total() {
    return seen.size();
  }

  /** Distinct image ids predicted so far. */
  long distinct() {
    return seen.stream().map(Seen::id).distinct().count();
  }

  /** Image ids predicted more than once, with their counts. */
  Map<String, Long> duplicates() {
    return seen.stream()
        .collect(Collectors.groupingBy(Seen::id, Collectors.counting()))
        .entrySet()
        .stream()
        .filter(e -> e.getValue() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  /** Predictions read so far that match. */
  long count(Predicate<Seen> which) {
    return seen.stream().filter(which).count();
  }

  /** The arrival time of the first matching prediction on {@code partition}, if any yet. */
  OptionalLong firstArrival(int partition, Predicate<Seen> which) {
    return seen.stream()
        .filter(s -> s.partition() == partition && which.test(s))
        .mapToLong(Seen::atMs)
        .min();
  }

  /** The model versions on {@code partition}, in offset order. */
  List<Integer> versions(int partition) {
    return seen.stream()
        .filter(s -> s.partition() == partition)
        .sorted(Comparator.comparingLong(Seen::offset))
        .map(Seen::version)
        .toList();
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
