package io.vitstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitstream.app.ConfigKeys;
import io.vitstream.avro.DeadLetter;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.Prediction;
import io.vitstream.inference.BatchClassifier;
import io.vitstream.inference.BatchShapes;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.TopicNames;
import io.vitstream.testing.TestImages;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real topology and the real (fixture) ViT under TopologyTestDriver. */
class InferenceTopologyTest {

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
  void shouldFlushOneBatchWhenTheBufferReachesMaxBatchSize() {
    try (TopologyDriver d = new TopologyDriver(model, 4, 60_000)) {
      // Given three images buffered
      for (int i = 0; i < 3; i++) {
        d.pipe("img-" + i, 100 + i);
      }
      assertThat(d.predictions.isEmpty()).isTrue();
      assertThat(TopologyDriver.count(d.buffer())).isEqualTo(3);

      // When the fourth arrives
      d.pipe("img-3", 103);

      // Then one batch of four comes out, in order, and the buffer is empty
      List<TestRecord<String, Prediction>> out = d.predictions.readRecordsToList();
      assertThat(out)
          .extracting(TestRecord::key)
          .containsExactly("img-0", "img-1", "img-2", "img-3");
      assertThat(out).allSatisfy(r -> assertThat(r.value().getBatchSize()).isEqualTo(4));
      assertThat(out).allSatisfy(r -> assertThat(r.value().getPaddedBatchSize()).isEqualTo(4));
      assertThat(TopologyDriver.count(d.buffer())).isZero();
    }
  }

  @Test
  void shouldKeepABatchRunOffTheStreamThreadBufferedUntilItsPredictionsAreForwarded() {
    try (TopologyDriver d =
        new TopologyDriver(
            model,
            4,
            60_000,
            1 << 20,
            512,
            "exactly_once_v2",
            Map.of(ConfigKeys.BATCHES_IN_FLIGHT.name(), "1"))) {
      // Given a full batch of four handed to the inference thread, and four more behind it
      for (int i = 0; i < 8; i++) {
        d.pipe("img-" + i, 100 + i);
      }

      // Then its entries stay buffered until the stream thread forwards its predictions
      assertThat(TopologyDriver.count(d.buffer())).isGreaterThanOrEqualTo(4);

      // And at the next ticks every prediction comes out, in input order, and the buffer empties
      List<String> keys = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                d.driver.advanceWallClockTime(Duration.ofMillis(10));
                d.predictions.readRecordsToList().forEach(r -> keys.add(r.key()));
                return keys.size() == 8;
              });
      assertThat(keys)
          .containsExactlyElementsOf(IntStream.range(0, 8).mapToObj(i -> "img-" + i).toList());
      assertThat(TopologyDriver.count(d.buffer())).isZero();
    }
  }

  @Test
  void shouldFlushOnWallClockPunctuationAfterMaxDelayAndPadTheBatch() {
    try (TopologyDriver d = new TopologyDriver(model, 32, 100)) {
      // Given three images buffered under a batch size of 32
      for (int i = 0; i < 3; i++) {
        d.pipe("img-" + i, 100 + i);
      }

      // When the wall clock passes less than the delay, nothing flushes
      d.driver.advanceWallClockTime(Duration.ofMillis(60));
      assertThat(d.predictions.isEmpty()).isTrue();

      // Then past the delay, one padded batch of three flushes
      d.driver.advanceWallClockTime(Duration.ofMillis(50));
      List<Prediction> out = d.predictions.readValuesToList();
      assertThat(out).hasSize(3);
      assertThat(out).allSatisfy(p -> assertThat(p.getBatchSize()).isEqualTo(3));
      assertThat(out).allSatisfy(p -> assertThat(p.getPaddedBatchSize()).isEqualTo(4));
      assertThat(TopologyDriver.count(d.buffer())).isZero();
    }
  }

  @Test
  void shouldEmitOnePredictionPerImageWithItsTimestampKeyAndHeaders() {
    try (TopologyDriver d = new TopologyDriver(model, 8, 50)) {
      // Given images with their own timestamps and a header
      byte[] png = TestImages.png(28, 28, 7);
      var headers = new RecordHeaders().add("trace", new byte[] {42});
      d.images.pipeInput(
          new TestRecord<>(
              "a", TestImages.encoded("a", png), headers, Instant.ofEpochMilli(5_000)));
      d.pipe("b", 1_234);
      d.pipe("c", 99);

      // When they flush on the wall clock
      d.driver.advanceWallClockTime(Duration.ofMillis(60));

      // Then each keeps its key, timestamp and headers, and carries the model's identity
      List<TestRecord<String, Prediction>> out = d.predictions.readRecordsToList();
      assertThat(out).extracting(TestRecord::key).containsExactly("a", "b", "c");
      assertThat(out).extracting(TestRecord::timestamp).containsExactly(5_000L, 1_234L, 99L);
      assertThat(out.get(0).headers().lastHeader("trace").value()).containsExactly(42);
      Prediction a = out.get(0).value();
      assertThat(a.getImageId()).isEqualTo("a");
      assertThat(a.getModelName()).isEqualTo("fixture");
      assertThat(a.getModelVersion()).isEqualTo(1);
      assertThat(a.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_000));
      assertThat(a.getTopK()).hasSize(3);
      assertThat(a.getTopK().get(0).getScore())
          .isGreaterThanOrEqualTo(a.getTopK().get(1).getScore());
    }
  }

  @Test
  void shouldPredictInAPaddedBatchWhatTheModelPredictsAlone() {
    // Given one image classified alone, straight through the classifier
    byte[] png = TestImages.png(28, 28, 11);
    float[] input = new float[model.inputLength()];
    new io.vitstream.image.ImagePreprocessor(model.preprocessing())
        .write(io.vitstream.image.ImageDecoder.withDefaultLimits().decode(png), input, 0);
    var alone = new BatchClassifier(new BatchShapes(1), 3).classify(model, List.of(input));

    // When it goes through the topology in a batch of three padded to four
    try (TopologyDriver d = new TopologyDriver(model, 32, 10)) {
      d.pipe("x", 1);
      d.images.pipeInput("y", TestImages.encoded("y", png), 2);
      d.pipe("z", 3);
      d.driver.advanceWallClockTime(Duration.ofMillis(20));
      Prediction y = d.predictions.readValuesToList().get(1);

      // Then its classes and scores are the same
      assertThat(y.getPaddedBatchSize()).isEqualTo(4);
      assertThat(y.getTopK().get(0).getIndex()).isEqualTo(alone.topK().get(0).get(0).index());
      for (int k = 0; k < 3; k++) {
        assertThat(y.getTopK().get(k).getScore())
            .isCloseTo(
                alone.topK().get(0).get(k).score(), org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void shouldDeadLetterEachKindOfBadInputAndGoOn() {
    // TopologyTestDriver's mock producer drops what the deserialization handler sends under
    // exactly-once; the broker IT checks that path under exactly-once.
    try (TopologyDriver d = new TopologyDriver(model, 1, 10, 4_096, 64, "at_least_once")) {
      // Given one bad record of each kind, then a good image
      byte[] garbage = {0x01, 0x02, 0x03, 0x04};
      d.rawImages.pipeInput("garbage", garbage);
      var bad =
          List.of(
              TestImages.encoded("undecodable", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}),
              TestImages.encoded("empty", new byte[0]),
              TestImages.encoded("too-big", new byte[5_000]),
              TestImages.encoded("bomb", TestImages.png(65, 20, 1)),
              TestImages.pixels("raw-bomb", 100_000, 100_000, 1, new byte[4]),
              TestImages.pixels("channels", 2, 2, 4, new byte[16]),
              TestImages.pixels("shape", 2, 2, 1, new byte[5]),
              TestImages.pixels("raw-empty", 2, 2, 1, new byte[0]));
      bad.forEach(e -> d.images.pipeInput(e.getImageId(), e));
      d.pipe("good", 1);

      // Then every bad record is a dead letter with its reason, source and bytes
      List<TestRecord<String, DeadLetter>> letters = d.deadLetters.readRecordsToList();
      assertThat(letters).hasSize(9);
      DeadLetter g = letters.get(0).value();
      assertThat(g.getStage()).isEqualTo("deserialize");
      assertThat(g.getReason()).contains("not a readable record on topic images");
      assertThat(g.getSourceTopic()).isEqualTo(TopicNames.IMAGES);
      assertThat(g.getSourceOffset()).isZero();
      assertThat(g.getOriginalValue().array()).containsExactly(garbage);
      assertThat(new String(g.getOriginalKey().array(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo("garbage");

      assertThat(letters.subList(1, 9))
          .extracting(r -> r.value().getReason())
          .satisfiesExactly(
              r -> assertThat(r).startsWith("undecodable"),
              r -> assertThat(r).isEqualTo("empty payload"),
              r -> assertThat(r).contains("over the limit of 4096 B"),
              r -> assertThat(r).contains("header claims 65x20 pixels, over the limit of 64"),
              r -> assertThat(r).contains("claims 100000x100000 pixels, over the limit of 64"),
              r -> assertThat(r).contains("wrong channel count 4"),
              r -> assertThat(r).contains("does not match 5 pixel bytes"),
              r -> assertThat(r).isEqualTo("empty payload"));
      for (int i = 1; i < 9; i++) {
        DeadLetter l = letters.get(i).value();
        ImageEvent sent = bad.get(i - 1);
        assertThat(l.getStage()).isEqualTo("decode");
        assertThat(l.getImageId()).isEqualTo(sent.getImageId());
        assertThat(letters.get(i).key()).isEqualTo(sent.getImageId());
        assertThat(l.getSourcePartition()).isZero();
        assertThat(l.getSourceOffset()).isEqualTo(i);
        assertThat(l.getOriginalValue().array())
            .containsExactly(TopologyDriver.IMAGES.encode(sent));
        assertThat(l.getExceptionClass()).endsWith("BadImageException");
      }

      // And the stream went on
      assertThat(d.predictions.readKeyValuesToList())
          .extracting(kv -> kv.key)
          .containsExactly("good");
    }
  }
}
