package io.vitstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.avro.ClassScore;
import io.vitstream.avro.DeadLetter;
import io.vitstream.avro.Feedback;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.Prediction;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.feedback.FineTuneRequest;
import io.vitstream.feedback.HoldoutSplit;
import io.vitstream.feedback.TriggerPolicy;
import io.vitstream.kafka.TopicNames;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.testing.TestImages;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedbackTopologyTest {
  private static final double HOLDOUT = 0.3;
  private static final int LIVE_WINDOW = 4;
  private static final SingleObjectAvroSerde<ImageEvent> IMAGES =
      new SingleObjectAvroSerde<>(ImageEvent.class);
  private static final SingleObjectAvroSerde<Feedback> FEEDBACK =
      new SingleObjectAvroSerde<>(Feedback.class);
  private static final SingleObjectAvroSerde<Prediction> PREDICTIONS =
      new SingleObjectAvroSerde<>(Prediction.class);
  private static final SingleObjectAvroSerde<DeadLetter> DEAD_LETTERS =
      new SingleObjectAvroSerde<>(DeadLetter.class);

  @TempDir Path state;
  private final List<FineTuneRequest> requests = new ArrayList<>();
  private final List<String> scored = new ArrayList<>();
  private TopologyTestDriver driver;
  private TestInputTopic<String, ImageEvent> images;
  private TestInputTopic<String, byte[]> feedback;
  private TestInputTopic<String, Prediction> predictions;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  @BeforeEach
  void start() {
    open(new TriggerPolicy(5, Duration.ofHours(1), 0.5, 1));
  }

  private void open(TriggerPolicy trigger) {
    var settings =
        new FeedbackSettings(
            TopicNames.defaults(),
            FashionMnist.LABELS,
            28,
            Duration.ofMinutes(1),
            HOLDOUT,
            3,
            trigger,
            LIVE_WINDOW,
            1 << 20,
            DeadLetters.DEFAULT_MAX_VALUE_BYTES);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "feedback-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    driver =
        new TopologyTestDriver(
            FeedbackTopology.buildFeedbackTopology(
                settings, requests::add, (v, hit) -> scored.add("v" + v + ":" + hit)),
            props,
            Instant.ofEpochMilli(0));
    images =
        driver.createInputTopic(TopicNames.IMAGES, new StringSerializer(), IMAGES.serializer());
    feedback =
        driver.createInputTopic(
            TopicNames.FEEDBACK, new StringSerializer(), new ByteArraySerializer());
    predictions =
        driver.createInputTopic(
            TopicNames.PREDICTIONS, new StringSerializer(), PREDICTIONS.serializer());
    deadLetters =
        driver.createOutputTopic(
            TopicNames.DEAD_LETTERS, new StringDeserializer(), DEAD_LETTERS.deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private static byte[] label(String imageId, String label, byte[] encoded) {
    return FEEDBACK
        .serializer()
        .serialize(
            TopicNames.FEEDBACK,
            Feedback.newBuilder()
                .setImageId(imageId)
                .setLabel(label)
                .setSource("test")
                .setEventTime(Instant.ofEpochMilli(1))
                .setEncoded(encoded == null ? null : ByteBuffer.wrap(encoded))
                .build());
  }

  @Test
  void shouldSplitLabelledImagesAndTriggerEveryFiveTrainingLabels() {
    // Given 40 recent images
    List<String> ids = IntStream.range(0, 40).mapToObj(i -> "img" + i).toList();
    ids.forEach(id -> images.pipeInput(id, TestImages.encoded(id, TestImages.png(28, 28, 1))));

    // When each gets its true label
    ids.forEach(id -> feedback.pipeInput(id, label(id, "Coat", null)));

    // Then every five training labels fire a run; holdout ids are never trained on
    HoldoutSplit split = new HoldoutSplit(HOLDOUT);
    long training = ids.stream().filter(id -> !split.isHoldout(id)).count();
    long held = ids.size() - training;
    assertThat(held).isPositive();
    assertThat(requests).hasSize((int) (training / 5));
    assertThat(requests).allSatisfy(r -> assertThat(r.fresh().count()).isEqualTo(5));
    assertThat(requests).allSatisfy(r -> assertThat(r.replay().count()).isLessThanOrEqualTo(3));
    FineTuneRequest last = requests.get(requests.size() - 1);
    assertThat(last.holdout().count()).isLessThanOrEqualTo((int) held);
    assertThat(last.fresh().label(0)).isEqualTo(FashionMnist.LABELS.indexOf("Coat"));
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldDeadLetterEachKindOfBadFeedback() {
    // Given one recent image
    images.pipeInput("old", TestImages.encoded("old", TestImages.png(28, 28, 1)));

    // When feedback comes with an unknown label, for an unknown image, as garbage, with a bad
    // image, and, after the retention, for the expired image
    feedback.pipeInput("old", label("old", "Hat", null));
    feedback.pipeInput("nope", label("nope", "Coat", null));
    feedback.pipeInput("junk", new byte[] {1, 2, 3});
    feedback.pipeInput("bad", label("bad", "Coat", new byte[] {9, 9, 9}));
    driver.advanceWallClockTime(Duration.ofMinutes(2));
    feedback.pipeInput("old", label("old", "Coat", null));
    // and feedback carrying its own image needs no recent one
    feedback.pipeInput("carried", label("carried", "Coat", TestImages.png(28, 28, 2)));

    // Then exactly the five bad ones are dead letters, each with its reason
    List<String> reasons =
        deadLetters.readValuesToList().stream().map(DeadLetter::getReason).toList();
    assertThat(reasons).hasSize(5);
    assertThat(reasons.get(0)).contains("unknown label 'Hat'");
    assertThat(reasons.get(1)).contains("unknown or expired image nope");
    assertThat(reasons.get(2)).startsWith("malformed feedback");
    assertThat(reasons.get(3)).startsWith("malformed image");
    assertThat(reasons.get(4)).contains("unknown or expired image old");
  }

  private static Prediction predicted(String id, int version, int index) {
    return Prediction.newBuilder()
        .setImageId(id)
        .setTopK(List.of(new ClassScore(FashionMnist.LABELS.get(index), index, 0.9f)))
        .setModelName("fm")
        .setModelVersion(version)
        .setBatchSize(1)
        .setEventTime(Instant.ofEpochMilli(1))
        .setInferenceTimeMs(1)
        .setOutputTime(Instant.ofEpochMilli(2))
        .build();
  }

  @Test
  void shouldScoreEachLabelledPredictionForItsModelVersion() {
    // Given two predictions by version 3, one right (Coat is 4) and one wrong
    images.pipeInput("a", TestImages.encoded("a", TestImages.png(28, 28, 1)));
    images.pipeInput("b", TestImages.encoded("b", TestImages.png(28, 28, 2)));
    predictions.pipeInput("a", predicted("a", 3, 4));
    predictions.pipeInput("b", predicted("b", 3, 7));

    // When both are labelled Coat, and an image without a prediction too
    feedback.pipeInput("a", label("a", "Coat", null));
    feedback.pipeInput("b", label("b", "Coat", null));
    feedback.pipeInput("c", label("c", "Coat", TestImages.png(28, 28, 3)));

    // Then the live-accuracy listener hears one hit and one miss of version 3
    assertThat(scored).containsExactly("v3:true", "v3:false");
  }

  @Test
  void shouldTriggerWhenLiveAccuracyFallsBelowItsBaseline() {
    // Given a trigger that fires only on a live accuracy drop of 0.5 (not on 100 labels)
    stop();
    open(new TriggerPolicy(100, Duration.ofHours(1), 0.5, 1));

    // When version 1 is right on its first 4 labelled predictions, then wrong on the next 4
    for (int i = 0; i < 8; i++) {
      String id = "p" + i;
      images.pipeInput(id, TestImages.encoded(id, TestImages.png(28, 28, i)));
      predictions.pipeInput(id, predicted(id, 1, i < 4 ? 4 : 7));
      feedback.pipeInput(id, label(id, "Coat", null));
    }
    driver.advanceWallClockTime(Duration.ofSeconds(2));

    // Then one run fires, for the drop
    assertThat(requests)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.feedback()).contains("live accuracy", "fell below 1.000");
            });
  }
}
