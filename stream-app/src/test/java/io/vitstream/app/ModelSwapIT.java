package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.avro.Prediction;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.inference.StoreModelProvider;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.Clients;
import io.vitstream.testing.TestImages;
import io.vitstream.testing.TinyModels;
import io.vitstream.vit.Precision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A promotion on model-versions swaps the served model under load, exactly-once. */
class ModelSwapIT {
  private static final String NAME = "swap-model";
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

  private static List<ImageEvent> images(String prefix, int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(i -> TestImages.encoded(prefix + i, TestImages.png(28, 28, i)))
        .toList();
  }

  @Test
  void shouldSwitchVersionOnAPromotionWithoutLosingOrDuplicatingPredictions(
      @TempDir Path state, @TempDir Path storeDir) throws Exception {
    // Given a store with versions 1 (promoted) and 2, and the service serving version 1
    ModelStore store = ModelStore.open(storeDir);
    TinyModels.publish(store, NAME, 1, 0);
    int v2 = TinyModels.publish(store, NAME, 2, 1);
    store.promote(NAME, 1);
    AppConfig c =
        AppConfig.load(
            Optional.empty(),
            Map.of(
                ConfigKeys.BOOTSTRAP_SERVERS.name(),
                kafka.bootstrapServers(),
                ConfigKeys.APPLICATION_ID.name(),
                "it-swap",
                ConfigKeys.MAX_BATCH_SIZE.name(),
                "8",
                ConfigKeys.MAX_BATCH_DELAY_MS.name(),
                "10",
                ConfigKeys.TOPIC_IMAGES.name(),
                "swap-images",
                ConfigKeys.TOPIC_PREDICTIONS.name(),
                "swap-predictions",
                ConfigKeys.TOPIC_MODEL_VERSIONS.name(),
                "swap-model-versions",
                ConfigKeys.TOPIC_DEAD_LETTERS.name(),
                "swap-dead-letters",
                "state.dir",
                state.toString()));
    var topics = c.inference().topics();
    int n = 400;
    ServingModel first =
        new StoreModelProvider(store, NAME, OptionalInt.empty(), Device.cpu(), Precision.FP32)
            .load();
    try (ModelSlot<ServingModel> slot = new ModelSlot<>(first);
        InferenceService service = new InferenceService(c, slot, Optional.of(store))) {
      service.start();
      service.awaitRunning(Duration.ofSeconds(60));

      // When images stream in while version 2 is promoted half-way
      var load =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int from = 0; from < n; from += 20) {
                    Clients.publish(
                        kafka.bootstrapServers(), topics.images(), images("s", from, from + 20));
                    Thread.sleep(50); // paces the load (not a wait): the swap lands mid-stream
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Clients.readCommitted(
          kafka.bootstrapServers(),
          topics.predictions(),
          PREDICTIONS.deserializer(),
          100,
          Duration.ZERO,
          Duration.ofSeconds(60)); // a quarter of the images are through
      store.promote(NAME, v2);
      announce(topics.modelVersions(), TinyModels.event(NAME, v2, ModelStatus.PROMOTED));
      load.get();
      Awaitility.await("version " + v2 + " serving")
          .atMost(Duration.ofSeconds(60))
          .until(() -> slot.peek().version() == v2);
      // and a tail after the swap, so that version 2 is seen even if the swap came late
      Clients.publish(kafka.bootstrapServers(), topics.images(), images("t", 0, 20));
      int total = n + 20;

      // Then read_committed sees one prediction per image
      var out =
          Clients.readCommitted(
              kafka.bootstrapServers(),
              topics.predictions(),
              PREDICTIONS.deserializer(),
              total,
              Duration.ofSeconds(2),
              Duration.ofSeconds(120));
      Map<String, Long> perId =
          out.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
      assertThat(perId).hasSize(total);
      assertThat(perId.values()).allMatch(count -> count == 1L);

      // And, in output order, version 1 until the swap and version 2 after it
      List<Integer> versions = out.stream().map(r -> r.value().getModelVersion()).toList();
      assertThat(versions).contains(1, v2);
      assertThat(versions.indexOf(v2)).isGreaterThanOrEqualTo(100);
      int firstNew = versions.indexOf(v2);
      assertThat(versions.subList(firstNew, versions.size())).containsOnly(v2);
      assertThat(slot.peek().version()).isEqualTo(v2);
      assertThat(out.subList(out.size() - 20, out.size()))
          .allSatisfy(r -> assertThat(r.key()).startsWith("t"));

      // The pause: output time from the last version-1 prediction to the first version-2 one
      long pause =
          out.get(firstNew).value().getOutputTime().toEpochMilli()
              - out.get(firstNew - 1).value().getOutputTime().toEpochMilli();
      System.out.printf(
          "swap pause %d ms (version 1 until output %d of %d)%n", pause, firstNew, total);
    }
  }

  private static void announce(String topic, ModelVersion event) throws Exception {
    var serde = new SingleObjectAvroSerde<>(ModelVersion.class);
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            serde.serializer())) {
      producer.send(new ProducerRecord<>(topic, event.getModelName(), event)).get();
    }
  }
}
