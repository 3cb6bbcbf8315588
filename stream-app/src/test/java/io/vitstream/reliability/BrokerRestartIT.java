package io.vitstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.app.AppConfig;
import io.vitstream.app.ConfigKeys;
import io.vitstream.app.InferenceService;
import io.vitstream.avro.Prediction;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.testing.Clients;
import io.vitstream.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's broker-bounce test, on the inference service: the only broker stops while the app runs
 * exactly-once, stays down, and comes back on the same port and data. Every image published before
 * and after gets exactly one prediction, and the app never leaves RUNNING for good.
 */
class BrokerRestartIT {
  private static final SingleObjectAvroSerde<Prediction> PREDICTIONS =
      new SingleObjectAvroSerde<>(Prediction.class);

  @Test
  @Timeout(300)
  void shouldPredictEveryImageExactlyOnceAcrossABrokerRestart(
      @TempDir Path data, @TempDir Path state) throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.at(0, data).start();
    String bootstrap = kafka.bootstrapServers();
    int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    AppConfig c =
        AppConfig.load(
            Optional.empty(),
            Map.of(
                ConfigKeys.BOOTSTRAP_SERVERS.name(),
                bootstrap,
                ConfigKeys.APPLICATION_ID.name(),
                "it-bounce",
                "state.dir",
                state.toString()));
    String images = c.inference().topics().images();
    try (ServingModel model = TestImages.fixtureModel();
        InferenceService service = new InferenceService(c, model)) {
      // Given the app serving, with 100 images predicted
      service.start();
      service.awaitRunning(Duration.ofSeconds(60));
      Clients.publish(bootstrap, images, batch("before", 100));

      // When the broker stops for 5 s and comes back on the same port and data
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> read(bootstrap, c, 100, Duration.ofSeconds(1)).size() >= 100);
      kafka.close();
      Thread.sleep(5_000); // the outage itself: the broker is down, there is nothing to await
      try (EmbeddedKafka restarted = EmbeddedKafka.at(port, data).start()) {
        Clients.publish(bootstrap, images, batch("after", 100));

        // Then every image, before and after, is predicted exactly once
        var out = read(bootstrap, c, 200, Duration.ofSeconds(3));
        Map<String, Long> perId =
            out.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        assertThat(perId).hasSize(200);
        assertThat(perId.values()).allMatch(n -> n == 1L);
        assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
        assertThat(service.failure()).isEmpty();
      }
    }
  }

  private static java.util.List<io.vitstream.avro.ImageEvent> batch(String prefix, int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> TestImages.encoded(prefix + i, TestImages.png(28, 28, i)))
        .toList();
  }

  private static java.util.List<ConsumerRecord<String, Prediction>> read(
      String bootstrap, AppConfig c, int expected, Duration quiet) {
    return Clients.readCommitted(
        bootstrap,
        c.inference().topics().predictions(),
        PREDICTIONS.deserializer(),
        expected,
        quiet,
        Duration.ofSeconds(120));
  }
}
