package io.vitstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitstream.avro.ImageEvent;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.kafka.TopicNames;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's exactly-once crash test, on the app as users run it: {@code vitstream run} in its own
 * JVM, SIGKILLed while images stream in, restarted each time. Every image must get exactly one
 * prediction, and the output gap after each kill (last prediction before it, first after it) is
 * printed for the README's reliability table.
 *
 * <p>CI runs a reduced form (2 kills); {@code -Dvitstream.crash.kills=5
 * -Dvitstream.crash.steady.ms=15000} streams about 10,000 images through 5 kills.
 */
class CrashRecoveryIT {
  private static final SingleObjectAvroSerde<ImageEvent> IMAGES =
      new SingleObjectAvroSerde<>(ImageEvent.class);
  private static final int KILLS = Integer.getInteger("vitstream.crash.kills", 2);
  private static final double RATE = Integer.getInteger("vitstream.crash.rate", 100);

  /** Streaming time before the first kill and after each recovery. */
  private static final long STEADY_MS = Long.getLong("vitstream.crash.steady.ms", 4_000);

  @Test
  void shouldPredictEveryImageExactlyOnceThroughRepeatedSigkills(@TempDir Path dir)
      throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
      // Given the app running in its own process, exactly-once
      TopicNames topics = TopicNames.defaults();
      Path config =
          AppProcess.configure(
              kafka, dir, "crash-it", System.getProperty("vitstream.crash.config", "").split(","));
      var seen = new ConcurrentLinkedQueue<Arrival>();
      var reading = new AtomicBoolean(true);
      Thread reader = reader(kafka.bootstrapServers(), topics.predictions(), seen, reading);
      AppProcess app = AppProcess.run(config);
      try {
        assertThat(app.awaitServing(Duration.ofSeconds(120))).as("first start").isTrue();

        // When images stream in at 100/s and the app is killed with SIGKILL and restarted
        var publishing = new AtomicBoolean(true);
        var published = new java.util.concurrent.atomic.AtomicInteger();
        Thread publisher =
            publisher(kafka.bootstrapServers(), topics.images(), publishing, published);
        List<Long> kills = new ArrayList<>();
        List<Long> restarts = new ArrayList<>();
        for (int k = 0; k < KILLS; k++) {
          Thread.sleep(STEADY_MS);
          app.kill();
          long kill = System.currentTimeMillis();
          kills.add(kill);
          app = AppProcess.run(config);
          assertThat(app.awaitServing(Duration.ofSeconds(120))).as("restart " + k).isTrue();
          restarts.add(System.currentTimeMillis() - kill);
          // each kill is measured alone: the next one comes after output has resumed
          await()
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofMillis(50))
              .until(() -> seen.stream().anyMatch(a -> a.atMs() > kill));
        }
        Thread.sleep(STEADY_MS);
        publishing.set(false);
        publisher.join();
        int total = published.get();

        // Then every image is predicted exactly once
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> distinct(seen) >= total);
        Thread.sleep(2_000); // a late duplicate would arrive in this quiet time
        reading.set(false);
        reader.join();
        assertThat(distinct(seen)).isEqualTo(total);
        assertThat(seen).hasSize(total);

        // And output resumed after every kill; the gaps go to the README
        List<Long> gaps = gaps(seen, kills);
        System.out.printf(
            "crash test: %d images, %d SIGKILLs, lost 0, duplicated 0, output gaps (ms) %s,"
                + " kill to serving again (ms) %s%n",
            total, KILLS, gaps, restarts);
        assertThat(gaps).hasSize(KILLS).allSatisfy(g -> assertThat(g).isLessThan(60_000L));
        assertThat(app.isAlive()).isTrue();
      } finally {
        reading.set(false);
        app.close();
      }
    }
  }

  private record Arrival(String key, long atMs) {}

  private static long distinct(ConcurrentLinkedQueue<Arrival> seen) {
    return seen.stream().map(Arrival::key).distinct().count();
  }

  /** For each kill: the first arrival after it minus the last arrival before it. */
  private static List<Long> gaps(ConcurrentLinkedQueue<Arrival> seen, List<Long> kills) {
    List<Long> out = new ArrayList<>();
    for (long kill : kills) {
      long before =
          seen.stream().mapToLong(Arrival::atMs).filter(t -> t <= kill).max().orElse(kill);
      long after = seen.stream().mapToLong(Arrival::atMs).filter(t -> t > kill).min().orElse(-1);
      if (after > 0) {
        out.add(after - before);
      }
    }
    return out;
  }

  private static Thread reader(
      String bootstrap, String topic, ConcurrentLinkedQueue<Arrival> seen, AtomicBoolean on) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "crash-it-reader");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Thread t =
        new Thread(
            () -> {
              try (var c =
                  new KafkaConsumer<>(
                      props, new StringDeserializer(), new ByteArrayDeserializer())) {
                c.subscribe(List.of(topic));
                while (on.get()) {
                  for (var r : c.poll(Duration.ofMillis(100))) {
                    seen.add(new Arrival(r.key(), System.currentTimeMillis()));
                  }
                }
              }
            },
            "predictions-reader");
    t.start();
    return t;
  }

  /** Publishes at RATE while {@code on}, counting the images sent and acknowledged. */
  private static Thread publisher(
      String bootstrap,
      String topic,
      AtomicBoolean on,
      java.util.concurrent.atomic.AtomicInteger published) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    Thread t =
        new Thread(
            () -> {
              try (var p =
                  new KafkaProducer<>(props, new StringSerializer(), IMAGES.serializer())) {
                long start = System.nanoTime();
                for (int i = 0; on.get(); i++) {
                  long wait = start + (long) (i * 1e9 / RATE) - System.nanoTime();
                  if (wait > 0) {
                    Thread.sleep(wait / 1_000_000);
                  }
                  String id = "c" + i;
                  var sent =
                      p.send(
                          new ProducerRecord<>(
                              topic, id, TestImages.encoded(id, TestImages.png(28, 28, i))));
                  if (i == 0) {
                    sent.get();
                  }
                  published.incrementAndGet();
                }
                p.flush();
              } catch (Exception e) {
                throw new IllegalStateException("publishing failed", e);
              }
            },
            "images-publisher");
    t.start();
    return t;
  }
}
