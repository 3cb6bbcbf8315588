package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.vitstream.avro.Feedback;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.avro.Prediction;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.inference.StoreModelProvider;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.Clients;
import io.vitstream.testing.ShippedModel;
import io.vitstream.testing.TestImages;
import io.vitstream.vit.Precision;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on a real broker: feedback on inverted images triggers a fine-tuning run, the gate
 * promotes the candidate, and the inference service swaps to it.
 */
class FeedbackLoopIT {
  private static final SingleObjectAvroSerde<Prediction> PREDICTIONS =
      new SingleObjectAvroSerde<>(Prediction.class);
  private static final SingleObjectAvroSerde<ModelVersion> VERSIONS =
      new SingleObjectAvroSerde<>(ModelVersion.class);

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.onFreePort().start();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  /** Raw-pixel events for images [from, to) of {@code data}, ids prefixed. */
  private static List<ImageEvent> events(String prefix, LabeledImages data, int from, int to) {
    List<ImageEvent> out = new ArrayList<>();
    int len = data.imageLength();
    for (int i = from; i < to; i++) {
      byte[] px = new byte[len];
      System.arraycopy(data.pixels(), i * len, px, 0, len);
      out.add(TestImages.pixels(prefix + i, 28, 28, 1, px));
    }
    return out;
  }

  @Test
  void shouldFineTunePromoteAndServeANewVersionFromFeedback(
      @TempDir Path state, @TempDir Path storeDir) throws Exception {
    // Given the shipped model serving, and a feedback loop that fine-tunes after 100 labels
    ModelStore store = ShippedModel.copyInto(storeDir);
    LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
    LabeledImages inverted = ShippedModel.slice(test, 2000, 2200, true);
    AppConfig c =
        AppConfig.load(
            Optional.empty(),
            Map.ofEntries(
                Map.entry(ConfigKeys.BOOTSTRAP_SERVERS.name(), kafka.bootstrapServers()),
                Map.entry(ConfigKeys.APPLICATION_ID.name(), "it-loop"),
                Map.entry(ConfigKeys.MAX_BATCH_SIZE.name(), "16"),
                Map.entry(ConfigKeys.MAX_BATCH_DELAY_MS.name(), "10"),
                Map.entry(ConfigKeys.MAX_IMAGE_BYTES.name(), String.valueOf(1 << 20)),
                Map.entry(FeedbackKeys.TRIGGER_LABELS.name(), "100"),
                Map.entry(FeedbackKeys.TRIGGER_ACCURACY_DROP.name(), "0.5"),
                Map.entry(FeedbackKeys.TRIGGER_MIN_LABELS.name(), "1"),
                Map.entry(FeedbackKeys.HOLDOUT_FRACTION.name(), "0.3"),
                Map.entry(FeedbackKeys.HOLDOUT_MAX_COUNT.name(), "1000"),
                Map.entry(FeedbackKeys.HOLDOUT_MAX_AGE_S.name(), "86400"),
                Map.entry(FeedbackKeys.REPLAY_PER_CLASS.name(), "20"),
                Map.entry(FeedbackKeys.LIVE_WINDOW.name(), "50"),
                Map.entry(FeedbackKeys.ROLLBACK_DROP.name(), "0.5"),
                Map.entry(FeedbackKeys.ROLLBACK_MIN_LABELS.name(), "1000"),
                Map.entry(FeedbackKeys.GATE_MARGIN.name(), "0"),
                Map.entry(FeedbackKeys.GATE_TOLERANCE.name(), "1"),
                Map.entry(FeedbackKeys.GATE_MIN_HOLDOUT.name(), "1"),
                Map.entry(FeedbackKeys.FINETUNE_REHEARSAL.name(), "0"),
                Map.entry(FeedbackKeys.FINETUNE_EPOCHS.name(), "4"),
                Map.entry(FeedbackKeys.FINETUNE_BATCH_SIZE.name(), "32"),
                Map.entry(FeedbackKeys.FINETUNE_LEARNING_RATE.name(), "0.002"),
                Map.entry(FeedbackKeys.FINETUNE_TIME_LIMIT_S.name(), "600"),
                Map.entry("state.dir", state.toString())));
    var topics = c.inference().topics();
    var data =
        new FeedbackLoop.OriginalData(ShippedModel.slice(test, 0, 200, false), Optional.empty());
    ServingModel first =
        new StoreModelProvider(
                store, ShippedModel.NAME, OptionalInt.empty(), Device.cpu(), Precision.FP32)
            .load();
    try (ModelSlot<ServingModel> slot = new ModelSlot<>(first);
        InferenceService inference = new InferenceService(c, slot, Optional.of(store))) {
      inference.start();
      inference.awaitRunning(Duration.ofSeconds(60));
      try (FeedbackLoop loop = FeedbackLoop.start(c, store, first, data)) {
        assertThat(loop.running()).isTrue();

        // When 200 inverted images are classified and all get their true label as feedback
        Clients.publish(kafka.bootstrapServers(), topics.images(), events("f", inverted, 0, 200));
        Clients.awaitCommitted(kafka.bootstrapServers(), "it-loop-feedback", topics.images(), 200);
        sendFeedback(topics.feedback(), inverted, "f");

        // Then a promotion event arrives for version 2 and the service serves it
        var promoted =
            Clients.readCommitted(
                kafka.bootstrapServers(),
                topics.modelVersions(),
                VERSIONS.deserializer(),
                1,
                Duration.ofSeconds(1),
                Duration.ofSeconds(180));
        assertThat(promoted).isNotEmpty();
        assertThat(promoted.get(0).value().getStatus()).isEqualTo(ModelStatus.PROMOTED);
        assertThat(promoted.get(0).value().getParentVersion()).isEqualTo(1);
        System.out.printf(
            "fine-tune: %s; metrics %s%n",
            promoted.get(0).value().getReason(), promoted.get(0).value().getMetrics());
        Awaitility.await("version 2 serving")
            .atMost(Duration.ofSeconds(60))
            .until(() -> slot.peek().version() == 2);
        assertThat(store.manifest(ShippedModel.NAME, 2).parentVersion()).isEqualTo(1);

        // And new images are predicted by version 2
        Clients.publish(kafka.bootstrapServers(), topics.images(), events("g", inverted, 0, 20));
        var out =
            Clients.readCommitted(
                kafka.bootstrapServers(),
                topics.predictions(),
                PREDICTIONS.deserializer(),
                220,
                Duration.ofSeconds(1),
                Duration.ofSeconds(90));
        assertThat(out).hasSize(220);
        assertThat(out.stream().filter(r -> r.key().startsWith("g")))
            .hasSize(20)
            .allSatisfy(r -> assertThat(r.value().getModelVersion()).isEqualTo(2));
      }
    }
  }

  private static void sendFeedback(String topic, LabeledImages data, String prefix)
      throws Exception {
    var serde = new SingleObjectAvroSerde<>(Feedback.class);
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            serde.serializer())) {
      for (int i = 0; i < data.count(); i++) {
        var fb =
            Feedback.newBuilder()
                .setImageId(prefix + i)
                .setLabel(FashionMnist.LABELS.get(data.label(i)))
                .setSource("test")
                .setEventTime(Instant.now())
                .build();
        var f = producer.send(new ProducerRecord<>(topic, fb.getImageId(), fb));
        if (i == 0) {
          f.get();
        }
      }
      producer.flush();
    }
  }
}
