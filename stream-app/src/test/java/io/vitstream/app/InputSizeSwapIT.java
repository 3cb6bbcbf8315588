package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.avro.DeadLetter;
import io.vitstream.avro.Prediction;
import io.vitstream.image.ImageDecoder;
import io.vitstream.image.ImagePreprocessor;
import io.vitstream.image.Preprocessing;
import io.vitstream.inference.BatchClassifier;
import io.vitstream.inference.BatchShapes;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.testing.Clients;
import io.vitstream.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A swap to a model with another input size and normalisation while images sit in the batch buffer,
 * on a real broker with exactly-once: every buffered image is classified by the new model from an
 * input made with the new model's preprocessing, once, and nothing is dead-lettered.
 */
class InputSizeSwapIT {
  private static final SingleObjectAvroSerde<Prediction> PREDICTIONS =
      new SingleObjectAvroSerde<>(Prediction.class);
  private static final SingleObjectAvroSerde<DeadLetter> DEAD_LETTERS =
      new SingleObjectAvroSerde<>(DeadLetter.class);
  private static final int IMAGES = 12;

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
  void shouldClassifyImagesBufferedBeforeASwapToAnotherInputSizeWithTheNewPreprocessing(
      @TempDir Path state) throws Exception {
    // Given the service serving version 1 (28 px input), with a batch that waits 8 s to fill
    AppConfig c =
        AppConfig.load(
            Optional.empty(),
            Map.of(
                ConfigKeys.BOOTSTRAP_SERVERS.name(),
                kafka.bootstrapServers(),
                ConfigKeys.APPLICATION_ID.name(),
                "it-size-swap",
                ConfigKeys.MAX_BATCH_SIZE.name(),
                "64",
                ConfigKeys.MAX_BATCH_DELAY_MS.name(),
                "8000",
                ConfigKeys.TOPIC_IMAGES.name(),
                "size-swap-images",
                ConfigKeys.TOPIC_PREDICTIONS.name(),
                "size-swap-predictions",
                ConfigKeys.TOPIC_MODEL_VERSIONS.name(),
                "size-swap-model-versions",
                ConfigKeys.TOPIC_DEAD_LETTERS.name(),
                "size-swap-dead-letters",
                "state.dir",
                state.toString()));
    var topics = c.inference().topics();
    ServingModel first = TestImages.fixtureModel();
    Preprocessing wide = new Preprocessing(56, 1, List.of(0.5f), List.of(0.25f), "bilinear");
    List<byte[]> pngs =
        IntStream.range(0, IMAGES).mapToObj(i -> TestImages.png(28, 28, 100 + i)).toList();
    try (ModelSlot<ServingModel> slot = new ModelSlot<>(first);
        ServingModel reference =
            new ServingModel("fixture", 2, first.model().resizedTo(56), first.labels(), wide);
        InferenceService service = new InferenceService(c, slot, Optional.empty())) {
      service.start();
      service.awaitRunning(Duration.ofSeconds(60));

      // and every image read and buffered: its offset committed, no prediction out yet
      Clients.publish(
          kafka.bootstrapServers(),
          topics.images(),
          IntStream.range(0, IMAGES)
              .mapToObj(i -> TestImages.encoded("s" + i, pngs.get(i)))
              .toList());
      Clients.awaitCommitted(kafka.bootstrapServers(), c.applicationId(), topics.images(), IMAGES);
      assertThat(
              Clients.readCommitted(
                  kafka.bootstrapServers(),
                  topics.predictions(),
                  PREDICTIONS.deserializer(),
                  1,
                  Duration.ZERO,
                  Duration.ofMillis(500)))
          .as("the images are still buffered when the model is swapped")
          .isEmpty();

      // When version 2, at 56 px with another normalisation, is swapped in before the flush
      slot.swap(new ServingModel("fixture", 2, first.model().resizedTo(56), first.labels(), wide));

      // Then read_committed sees one prediction per image, every one from version 2
      List<ConsumerRecord<String, Prediction>> out =
          Clients.readCommitted(
              kafka.bootstrapServers(),
              topics.predictions(),
              PREDICTIONS.deserializer(),
              IMAGES,
              Duration.ofSeconds(1),
              Duration.ofSeconds(60));
      assertThat(out)
          .extracting(ConsumerRecord::key)
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, IMAGES).mapToObj(i -> "s" + i).toList());
      assertThat(out).allSatisfy(r -> assertThat(r.value().getModelVersion()).isEqualTo(2));

      // And each from an input made with version 2's preprocessing
      var decoder = new ImageDecoder(1 << 20, 512);
      var preprocessor = new ImagePreprocessor(wide);
      List<float[]> inputs = new ArrayList<>();
      for (byte[] png : pngs) {
        float[] values = new float[reference.inputLength()];
        preprocessor.write(decoder.decode(png), values, 0);
        inputs.add(values);
      }
      var expected = new BatchClassifier(new BatchShapes(64), 3).classify(reference, inputs);
      Map<String, Prediction> byId =
          out.stream().collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
      for (int i = 0; i < IMAGES; i++) {
        Prediction p = byId.get("s" + i);
        assertThat(p.getTopK().get(0).getIndex()).isEqualTo(expected.topK().get(i).get(0).index());
        assertThat(p.getTopK().get(0).getScore())
            .isCloseTo(expected.topK().get(i).get(0).score(), Offset.offset(1e-5f));
      }

      // And nothing is dead-lettered
      assertThat(
              Clients.readCommitted(
                  kafka.bootstrapServers(),
                  topics.deadLetters(),
                  DEAD_LETTERS.deserializer(),
                  1,
                  Duration.ZERO,
                  Duration.ofSeconds(2)))
          .isEmpty();
      assertThat(service.failure()).isEmpty();
    }
  }
}
