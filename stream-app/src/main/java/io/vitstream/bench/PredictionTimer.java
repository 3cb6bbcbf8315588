package io.vitstream.bench;

import io.vitstream.kafka.Consumers;
import io.vitstream.kafka.TopicNames;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a predictions topic from its start, {@code read_committed}, and notes when each prediction
 * arrived. Assigned (not subscribed) before the images are published, so no arrival is missed.
 */
final class PredictionTimer implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;

  private PredictionTimer(KafkaConsumer<byte[], byte[]> consumer) {
    this.consumer = consumer;
  }

  static PredictionTimer open(String bootstrapServers, TopicNames topics) {
    Map<String, Object> cfg =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.GROUP_ID_CONFIG,
            "vitstream-bench-" + UUID.randomUUID(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            5000);
    var consumer =
        new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Consumers.assignAll(consumer, topics.predictions());
    return new PredictionTimer(consumer);
  }

  /**
   * Waits for {@code n} predictions.
   *
   * @param check called between polls; throws to give up (e.g. an instance died)
   * @return each prediction's arrival, wall clock in milliseconds
   * @throws IllegalStateException when fewer arrive within {@code timeout}
   */
  long[] await(int n, Duration timeout, Runnable check) {
    long[] arrivals = new long[n];
    int got = 0;
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (got < n && System.currentTimeMillis() < deadline) {
      int polled = consumer.poll(Duration.ofMillis(20)).count();
      long now = System.currentTimeMillis();
      for (int i = 0; i < polled && got < n; i++) {
        arrivals[got++] = now;
      }
      check.run();
    }
    if (got < n) {
      throw new IllegalStateException(
          "only " + got + " of " + n + " predictions within " + timeout.toSeconds() + " s");
    }
    return arrivals;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
