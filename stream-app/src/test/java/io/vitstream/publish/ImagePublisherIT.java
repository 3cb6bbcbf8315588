package io.vitstream.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.testing.Clients;
import io.vitstream.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The publisher across a broker outage: it retries within the delivery timeout, then reports. */
class ImagePublisherIT {
  private static final String TOPIC = "outage-images";
  private static final int IMAGES = 30;

  @Test
  @Timeout(180)
  void shouldDeliverEveryImageAcrossAnOutageShorterThanTheDeliveryTimeout(@TempDir Path dir)
      throws Exception {
    // Given a broker, and 30 images published at 10/s with a 60 s delivery timeout
    EmbeddedKafka kafka = EmbeddedKafka.at(0, dir).start();
    String bootstrap = kafka.bootstrapServers();
    int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    AtomicInteger handled = new AtomicInteger();
    CompletableFuture<PublishResult> result =
        publishInBackground(bootstrap, Duration.ofSeconds(60), handled);

    // When the broker stops after 5 images and comes back on the same port
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> handled.get() >= 5);
    kafka.close();
    try (EmbeddedKafka restarted = EmbeddedKafka.at(port, dir).start()) {
      PublishResult published = result.get(120, TimeUnit.SECONDS);

      // Then every image is acknowledged, and each is on the topic once
      assertThat(published.failures()).isEmpty();
      assertThat(published.acknowledged()).isEqualTo(IMAGES);
      assertThat(read(restarted.bootstrapServers()))
          .extracting(ConsumerRecord::key)
          .doesNotHaveDuplicates()
          .hasSize(IMAGES);
    }
  }

  @Test
  @Timeout(120)
  void shouldCountTheImagesAnOutageLongerThanTheDeliveryTimeoutCostAsFailures(@TempDir Path dir)
      throws Exception {
    // Given a broker, and 30 images published at 10/s with a 3 s delivery timeout
    EmbeddedKafka kafka = EmbeddedKafka.at(0, dir).start();
    AtomicInteger handled = new AtomicInteger();
    CompletableFuture<PublishResult> result =
        publishInBackground(kafka.bootstrapServers(), Duration.ofSeconds(3), handled);

    // When the broker stops after 5 images and stays down
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> handled.get() >= 5);
    long stopped = System.nanoTime();
    kafka.close();
    PublishResult published = result.get(30, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - stopped) / 1e9;

    // Then the images sent during the outage count as timed out, none silently, and the publisher
    // gives up about one delivery timeout after the outage began
    System.out.printf(
        "outage longer than the delivery timeout: %d/%d acknowledged, gave up %.1f s after the"
            + " broker stopped, failures %s%n",
        published.acknowledged(), published.attempted(), seconds, published.failures());
    assertThat(seconds).isLessThan(15);
    assertThat(published.complete()).isFalse();
    assertThat(published.acknowledged()).isBetween(1, IMAGES - 1); // the first send waits
    assertThat(published.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.cause()).isEqualTo("TimeoutException");
              assertThat(f.count()).isEqualTo(IMAGES - published.acknowledged());
            });
  }

  private static CompletableFuture<PublishResult> publishInBackground(
      String bootstrap, Duration deliveryTimeout, AtomicInteger handled) {
    List<SourceImage> images =
        IntStream.range(0, IMAGES)
            .mapToObj(
                i -> SourceImage.encoded("img" + i, TestImages.png(28, 28, i), Optional.empty()))
            .toList();
    var publisher =
        new ImagePublisher(Map.of("bootstrap.servers", bootstrap), TOPIC, 10, deliveryTimeout);
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return publisher.publish(images, handled::set);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
  }

  private static List<ConsumerRecord<String, byte[]>> read(String bootstrap) {
    return Clients.readCommitted(
        bootstrap,
        TOPIC,
        new ByteArrayDeserializer(),
        IMAGES,
        Duration.ofSeconds(2),
        Duration.ofSeconds(30));
  }
}
