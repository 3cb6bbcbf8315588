package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.publish.ImagePublisher;
import io.vitstream.testing.Clients;
import io.vitstream.testing.TestImages;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code vitstream publish} against a real broker: every image acknowledged or reported. */
class PublishCommandIT {
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.onFreePort().start();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  @Test
  @Timeout(120)
  void shouldPublishEveryImageAndExitZero(@TempDir Path dir) throws IOException {
    // Given a folder of 5 PNGs
    pngs(dir, 5);

    // When it is published
    CliRun run = publish(kafka.bootstrapServers(), "publish-all", dir, "120");

    // Then all 5 are acknowledged and on the topic
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("published 5/5 images to publish-all");
    assertThat(run.err()).doesNotContain("failed");
    assertThat(records("publish-all", 5)).hasSize(5);
  }

  @Test
  @Timeout(120)
  void shouldPublishTheRestAndNameTheCauseWhenOneImageIsTooLarge(@TempDir Path dir)
      throws IOException {
    // Given 2 PNGs and a file over max.request.size (16 MiB)
    pngs(dir, 2);
    Files.write(dir.resolve("big.png"), new byte[ImagePublisher.DEFAULT_MAX_REQUEST_SIZE + 1]);

    // When the folder is published
    CliRun run = publish(kafka.bootstrapServers(), "publish-large", dir, "120");

    // Then the 2 PNGs arrive, and the large one is reported and fails the command
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("published 2/3 images to publish-large");
    assertThat(run.err().lines())
        .singleElement()
        .asString()
        .matches(
            "failed 1: RecordTooLargeException \\(too large: \\d+ bytes > max.request.size"
                + " 16777216 \\(big.png\\)\\)");
    assertThat(records("publish-large", 2))
        .extracting(ConsumerRecord::key)
        .containsExactly("img0.png", "img1.png");
  }

  @Test
  @Timeout(60)
  void shouldFailWithinTheDeliveryTimeoutWhenTheBrokerIsUnreachable(@TempDir Path dir)
      throws IOException {
    // Given 3 PNGs and a port nothing listens on
    pngs(dir, 3);
    String nowhere = "localhost:" + closedPort();

    // When they are published with a 3 s delivery timeout
    long t0 = System.nanoTime();
    CliRun run = publish(nowhere, "publish-nowhere", dir, "3");
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("publish to an unreachable broker gave up after %.1f s%n", seconds);

    // Then it gives up within a bounded time, with one line naming the cause
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("published 0/3 images to publish-nowhere");
    assertThat(run.err().lines())
        .singleElement()
        .asString()
        .startsWith("failed 3: TimeoutException (")
        .contains("3000 ms");
    assertThat(seconds).isLessThan(15);
  }

  private static CliRun publish(String bootstrap, String topic, Path dir, String timeout) {
    return CliRun.of(
        "publish",
        "--bootstrap-servers",
        bootstrap,
        "--topic",
        topic,
        "--delivery-timeout",
        timeout,
        "--no-progress",
        dir.toString());
  }

  private static void pngs(Path dir, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      Files.write(dir.resolve("img" + i + ".png"), TestImages.png(28, 28, i));
    }
  }

  private static List<ConsumerRecord<String, byte[]>> records(String topic, int n) {
    return Clients.readCommitted(
        kafka.bootstrapServers(),
        topic,
        new ByteArrayDeserializer(),
        n,
        Duration.ofSeconds(2),
        Duration.ofSeconds(30));
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
