package io.vitstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.ShippedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code vitstream run} processes with the same application id that share nothing but Kafka:
 * the first serves its store's promoted version and puts it on the artifact topic, the second
 * starts with an empty store and serves that version, fetched from Kafka.
 */
class ScaleOutIT {
  @Test
  @Timeout(300)
  void shouldServeThePromotedVersionOnASecondInstanceWithAnEmptyStore(
      @TempDir Path first, @TempDir Path second) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
      // Given a first instance whose store holds the shipped version 1, promoted
      ModelStore own = ShippedModel.copyInto(first.resolve("model-store"));
      Path configA = AppProcess.configure(kafka, first, "scale-it", "metrics.port=0");
      try (AppProcess a = AppProcess.run(configA, first)) {
        assertThat(a.awaitServing(Duration.ofSeconds(120))).as("first instance").isTrue();
        assertThat(a.servingLine()).startsWith("run: serving fashion-mnist v1 ");

        // When a second instance starts in a folder with an empty model store
        Files.createDirectories(second.resolve("model-store"));
        Path configB = AppProcess.configure(kafka, second, "scale-it", "metrics.port=0");
        long t0 = System.nanoTime();
        try (AppProcess b = AppProcess.run(configB, second)) {
          // Then it serves version 1, whose files it got from Kafka, identical to the first's
          assertThat(b.awaitServing(Duration.ofSeconds(120))).as("second instance").isTrue();
          System.out.printf(
              "second instance (empty store) serving after %d ms%n",
              (System.nanoTime() - t0) / 1_000_000);
          assertThat(b.servingLine()).startsWith("run: serving fashion-mnist v1 ");
          assertThat(b.errors()).isEmpty();
          ModelStore fetched = ModelStore.open(second.resolve("model-store"));
          assertThat(fetched.promoted(ShippedModel.NAME)).hasValue(1);
          assertThat(Files.readAllBytes(fetched.files(ShippedModel.NAME, 1).weights()))
              .isEqualTo(Files.readAllBytes(own.files(ShippedModel.NAME, 1).weights()));
        }
      }
    }
  }
}
