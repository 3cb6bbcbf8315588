package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.artifact.ArtifactPublisher;
import io.vitstream.artifact.PublishingEvents;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.Prediction;
import io.vitstream.feedback.ModelVersionPublisher;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.Clients;
import io.vitstream.testing.TestImages;
import io.vitstream.testing.TinyModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances that share nothing but Kafka: the first seeds the artifact topic from its store,
 * the second starts with an empty store, serves the promoted version fetched from Kafka, and swaps
 * to a version promoted later on the first, again read from Kafka.
 */
@Timeout(240)
class ModelBootstrapIT {
  private static final String NAME = "bootstrap-model";
  private static final SingleObjectAvroSerde<Prediction> PREDICTIONS =
      new SingleObjectAvroSerde<>(Prediction.class);

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.onFreePort().start();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  private static AppConfig config(Path state) {
    return AppConfig.load(
        Optional.empty(),
        Map.ofEntries(
            Map.entry(ConfigKeys.BOOTSTRAP_SERVERS.name(), kafka.bootstrapServers()),
            Map.entry(ConfigKeys.APPLICATION_ID.name(), "it-bootstrap"),
            Map.entry(ConfigKeys.MODEL_NAME.name(), NAME),
            Map.entry(ConfigKeys.MAX_BATCH_SIZE.name(), "4"),
            Map.entry(ConfigKeys.MAX_BATCH_DELAY_MS.name(), "10"),
            Map.entry(ConfigKeys.TOPIC_IMAGES.name(), "boot-images"),
            Map.entry(ConfigKeys.TOPIC_PREDICTIONS.name(), "boot-predictions"),
            Map.entry(ConfigKeys.TOPIC_FEEDBACK.name(), "boot-feedback"),
            Map.entry(ConfigKeys.TOPIC_MODEL_VERSIONS.name(), "boot-model-versions"),
            Map.entry(ConfigKeys.TOPIC_DEAD_LETTERS.name(), "boot-dead-letters"),
            Map.entry(ConfigKeys.TOPIC_MODEL_ARTIFACTS.name(), "boot-model-artifacts"),
            Map.entry(ConfigKeys.ARTIFACT_CHUNK_BYTES.name(), "8192"),
            Map.entry("state.dir", state.toString())));
  }

  @Test
  void shouldServeThePromotedVersionFromKafkaOnAnInstanceWithAnEmptyStore(
      @TempDir Path trainerDir, @TempDir Path freshDir, @TempDir Path state) throws Exception {
    // Given a first instance whose store has versions 1 and 2, 2 promoted, seeding the topic
    ModelStore trainer = ModelStore.open(trainerDir);
    TinyModels.publish(trainer, NAME, 1, 0);
    int v2 = TinyModels.publish(trainer, NAME, 2, 1);
    trainer.promote(NAME, v2);
    AppConfig c = config(state);
    ModelBootstrap.prepare(c, trainer);

    // When a second instance starts with an empty store, as vitstream run does
    ModelStore fresh = ModelStore.open(freshDir);
    long t0 = System.nanoTime();
    ModelBootstrap.prepare(c, fresh);
    long bootstrapMs = (System.nanoTime() - t0) / 1_000_000;
    try (ModelSlot<ServingModel> slot = new ModelSlot<>(c.model().provider(fresh).load());
        InferenceService service = new InferenceService(c, slot, Optional.of(fresh))) {
      service.start();
      service.awaitRunning(Duration.ofSeconds(60));
      Clients.publish(
          kafka.bootstrapServers(),
          c.inference().topics().images(),
          List.of(TestImages.encoded("a", TestImages.png(28, 28, 1))));

      // Then it serves version 2, read from Kafka into its own store
      var first =
          Clients.readCommitted(
              kafka.bootstrapServers(),
              c.inference().topics().predictions(),
              PREDICTIONS.deserializer(),
              1,
              Duration.ZERO,
              Duration.ofSeconds(60));
      assertThat(first).hasSize(1);
      assertThat(first.get(0).value().getModelVersion()).isEqualTo(v2);
      assertThat(fresh.promoted(NAME)).isEqualTo(OptionalInt.of(v2));
      assertThat(fresh.versions(NAME)).containsExactly(v2);
      System.out.printf("bootstrap of an empty store: %d ms%n", bootstrapMs);

      // When the first instance promotes version 3 the way fine-tuning does
      int v3 = TinyModels.publish(trainer, NAME, 3, v2);
      trainer.promote(NAME, v3);
      long t1 = System.nanoTime();
      try (var artifacts = new ArtifactPublisher(c.clientConfig(), c.artifacts());
          var events =
              new ModelVersionPublisher(c.clientConfig(), c.inference().topics().modelVersions())) {
        new PublishingEvents(trainer, artifacts, events)
            .accept(TinyModels.event(NAME, v3, ModelStatus.PROMOTED));
      }

      // Then the second instance fetches it from Kafka and serves it
      Awaitility.await("version " + v3 + " serving")
          .atMost(Duration.ofSeconds(60))
          .until(() -> slot.peek().version() == v3);
      System.out.printf(
          "promotion on the trainer to serving on the other instance: %d ms%n",
          (System.nanoTime() - t1) / 1_000_000);
      assertThat(fresh.versions(NAME)).containsExactly(v2, v3);
    }
  }
}
