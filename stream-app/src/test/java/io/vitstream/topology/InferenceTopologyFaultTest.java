package io.vitstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.app.ConfigKeys;
import io.vitstream.avro.DeadLetter;
import io.vitstream.avro.Prediction;
import io.vitstream.image.ImageDecoder;
import io.vitstream.image.ImagePreprocessor;
import io.vitstream.image.Preprocessing;
import io.vitstream.inference.BatchClassifier;
import io.vitstream.inference.BatchShapes;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.store.Sha256;
import io.vitstream.testing.TestImages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real topology under TopologyTestDriver against what would stop it: records too large to keep
 * or to send, and a model swapped in while images wait in the buffer.
 */
class InferenceTopologyFaultTest {
  private static ServingModel model;

  @BeforeAll
  static void loadModel() {
    model = TestImages.fixtureModel();
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }

  @Test
  void shouldDeadLetterAHugeImageWithABoundedPrefixItsSizeAndDigestThenGoOn() {
    try (var d =
        new TopologyDriver(
            model,
            1,
            10,
            4096,
            512,
            "exactly_once_v2",
            Map.of(ConfigKeys.DEAD_LETTER_VALUE_MAX_BYTES.name(), "1024"))) {
      // Given a 10 MB image, far over image.max.bytes, then a good one
      byte[] huge = TopologyDriver.IMAGES.encode(TestImages.encoded("huge", new byte[10_000_000]));
      d.rawImages.pipeInput("huge", huge);
      d.pipe("good", 1);

      // Then its dead letter keeps the first 1,024 bytes, the size and the digest, and stays small
      List<TestRecord<String, DeadLetter>> letters = d.deadLetters.readRecordsToList();
      assertThat(letters).hasSize(1);
      DeadLetter l = letters.get(0).value();
      assertThat(l.getStage()).isEqualTo("decode");
      assertThat(l.getReason()).contains("over the limit of 4096 B");
      assertThat(l.getOriginalValue().array()).containsExactly(Arrays.copyOf(huge, 1024));
      assertThat(l.getOriginalSize()).isEqualTo(huge.length);
      assertThat(l.getOriginalSha256()).isEqualTo(Sha256.hex(huge));
      assertThat(TopologyDriver.DEAD_LETTERS.encode(l).length).isLessThan(1024 + 2 * 8192);

      // And the stream went on
      assertThat(d.predictions.readKeyValuesToList())
          .extracting(kv -> kv.key)
          .containsExactly("good");
    }
  }

  @Test
  void shouldDeadLetterAPredictionTooLargeForItsTopicInsteadOfSendingItThenGoOn() {
    try (var d =
        new TopologyDriver(
            model,
            1,
            10,
            4096,
            512,
            "exactly_once_v2",
            Map.of(
                ConfigKeys.DEAD_LETTER_VALUE_MAX_BYTES.name(),
                "1024",
                "producer.max.request.size",
                "40000"))) {
      // Given an image whose 30,000-character id makes its prediction larger than the record limit
      String longId = "x".repeat(30_000);
      d.pipe(longId, 1);
      d.pipe("good", 2);

      // Then the prediction is not sent: a small dead letter says why
      List<TestRecord<String, DeadLetter>> letters = d.deadLetters.readRecordsToList();
      assertThat(letters).hasSize(1);
      DeadLetter l = letters.get(0).value();
      assertThat(l.getStage()).isEqualTo("produce");
      assertThat(l.getReason()).contains("cannot produce to predictions").contains("23616-byte");
      assertThat(l.getOriginalKey().remaining()).isEqualTo(1024);
      assertThat(l.getSourceOffset()).isZero();

      // And the next image is predicted
      assertThat(d.predictions.readKeyValuesToList())
          .extracting(kv -> kv.key)
          .containsExactly("good");
    }
  }

  @Test
  void shouldPreprocessBufferedImagesForTheModelSwappedInBeforeTheirBatch() {
    // Given three 28x28 images buffered under version 1 (28 px input)
    ServingModel first = TestImages.fixtureModel();
    Preprocessing wide = new Preprocessing(56, 1, List.of(0.5f), List.of(0.25f), "bilinear");
    try (ModelSlot<ServingModel> slot = new ModelSlot<>(first);
        var d = new TopologyDriver(8, 1_000, 1 << 20, 512, "exactly_once_v2", Map.of(), slot);
        ServingModel reference =
            new ServingModel("fixture", 2, first.model().resizedTo(56), first.labels(), wide)) {
      List<byte[]> pngs =
          List.of(TestImages.png(28, 28, 1), TestImages.png(28, 28, 2), TestImages.png(28, 28, 3));
      for (int i = 0; i < pngs.size(); i++) {
        d.images.pipeInput("s" + i, TestImages.encoded("s" + i, pngs.get(i)), i);
      }
      assertThat(TopologyDriver.count(d.buffer())).isEqualTo(3);

      // When version 2, at 56 px with another normalisation, is swapped in before the flush
      slot.swap(new ServingModel("fixture", 2, first.model().resizedTo(56), first.labels(), wide));
      d.driver.advanceWallClockTime(Duration.ofSeconds(2));

      // Then every image is classified by version 2, from inputs made with its preprocessing
      List<Prediction> out = d.predictions.readValuesToList();
      assertThat(out).hasSize(3).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(2));
      assertThat(d.deadLetters.isEmpty()).isTrue();
      var decoder = new ImageDecoder(1 << 20, 512);
      var preprocessor = new ImagePreprocessor(wide);
      List<float[]> inputs = new ArrayList<>();
      for (byte[] png : pngs) {
        float[] values = new float[reference.inputLength()];
        preprocessor.write(decoder.decode(png), values, 0);
        inputs.add(values);
      }
      var expected = new BatchClassifier(new BatchShapes(8), 3).classify(reference, inputs);
      for (int i = 0; i < 3; i++) {
        assertThat(out.get(i).getTopK().get(0).getIndex())
            .isEqualTo(expected.topK().get(i).get(0).index());
        assertThat(out.get(i).getTopK().get(0).getScore())
            .isCloseTo(expected.topK().get(i).get(0).score(), Offset.offset(1e-5f));
      }
    }
  }
}
