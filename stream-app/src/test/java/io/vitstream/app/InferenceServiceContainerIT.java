package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.avro.Prediction;
import io.vitstream.inference.ServingModel;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.testing.Clients;
import io.vitstream.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The count test against Apache Kafka in Docker; skipped where no Docker engine answers (as on the
 * build machines without a Docker socket).
 */
@Testcontainers(disabledWithoutDocker = true)
class InferenceServiceContainerIT {
  /** Pinned: the broker version the app is built against. */
  @Container static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

  @Test
  void shouldPredictEveryImageExactlyOnceOnADockerBroker(@TempDir Path state) throws Exception {
    AppConfig c =
        AppConfig.load(
            Optional.empty(),
            Map.of(
                ConfigKeys.BOOTSTRAP_SERVERS.name(),
                KAFKA.getBootstrapServers(),
                ConfigKeys.APPLICATION_ID.name(),
                "container-it",
                "state.dir",
                state.toString()));
    int n = 100;
    try (ServingModel model = TestImages.fixtureModel();
        InferenceService service = new InferenceService(c, model)) {
      service.start();
      service.awaitRunning(Duration.ofSeconds(60));
      Clients.publish(
          KAFKA.getBootstrapServers(),
          c.inference().topics().images(),
          IntStream.range(0, n)
              .mapToObj(i -> TestImages.encoded("d" + i, TestImages.png(28, 28, i)))
              .toList());
      var out =
          Clients.readCommitted(
              KAFKA.getBootstrapServers(),
              c.inference().topics().predictions(),
              new SingleObjectAvroSerde<>(Prediction.class).deserializer(),
              n,
              Duration.ofSeconds(2),
              Duration.ofSeconds(90));
      assertThat(out).extracting(ConsumerRecord::key).doesNotHaveDuplicates().hasSize(n);
    }
  }
}
