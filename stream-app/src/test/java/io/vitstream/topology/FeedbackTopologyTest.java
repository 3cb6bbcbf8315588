package io.vitstream.topology;

import static io.vitstream.topology.FeedbackRecords.label;
import static io.vitstream.topology.FeedbackRecords.predicted;
import static io.vitstream.topology.FeedbackRecords.promoted;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.avro.DeadLetter;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.avro.Prediction;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.feedback.FineTuneRequest;
import io.vitstream.feedback.FineTuneRequestSerde;
import io.vitstream.feedback.HoldoutSplit;
import io.vitstream.feedback.LiveAccuracy;
import io.vitstream.feedback.RollbackPolicy;
import io.vitstream.feedback.TriggerPolicy;
import io.vitstream.kafka.TopicNames;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
  private static final SingleObjectAvroSerde<Prediction> PREDICTIONS =
      new SingleObjectAvroSerde<>(Prediction.class);
  private static final SingleObjectAvroSerde<DeadLetter> DEAD_LETTERS =
      new SingleObjectAvroSerde<>(DeadLetter.class);
  private static final SingleObjectAvroSerde<ModelVersion> VERSIONS =
      new SingleObjectAvroSerde<>(ModelVersion.class);

  @TempDir Path state;
  private TopologyTestDriver driver;
  private FeedbackSettings settings;
  private TestInputTopic<String, ImageEvent> images;
  private TestInputTopic<String, byte[]> feedback;
  private TestInputTopic<String, Prediction> predictions;
  private TestOutputTopic<String, DeadLetter> deadLetters;
  private TestInputTopic<String, ModelVersion> versionsIn;
  private TestOutputTopic<String, ModelVersion> versionsOut;
  private TestOutputTopic<String, FineTuneRequest> requestsOut;

  @BeforeEach
  void start() {
    open(new TriggerPolicy(5, Duration.ofHours(1), 0.5, 1));
  }

  private void open(TriggerPolicy trigger) {
    open(trigger, 1000);
  }

  private void open(TriggerPolicy trigger, int holdoutMax) {
    settings =
        new FeedbackSettings(
            TopicNames.defaults(),
            FashionMnist.LABELS,
            28,
            1,
            Duration.ofMinutes(1),
            HOLDOUT,
            holdoutMax,
            Duration.ofHours(1),
            3,
            trigger,
            new RollbackPolicy(0.1, LIVE_WINDOW),
            LIVE_WINDOW,
            1 << 20,
            DeadLetters.DEFAULT_MAX_VALUE_BYTES);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "feedback-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    driver =
        new TopologyTestDriver(
            FeedbackTopology.buildFeedbackTopology(settings, 1), props, Instant.ofEpochMilli(0));
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
    versionsIn =
        driver.createInputTopic(
            TopicNames.MODEL_VERSIONS, new StringSerializer(), VERSIONS.serializer());
    versionsOut =
        driver.createOutputTopic(
            TopicNames.MODEL_VERSIONS, new StringDeserializer(), VERSIONS.deserializer());
    requestsOut =
        driver.createOutputTopic(
            settings.requestsTopic(),
            new StringDeserializer(),
            new FineTuneRequestSerde().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void shouldSplitLabelledImagesAndTriggerEveryFiveTrainingLabels() {
    // Given 40 recent images
    List<String> ids = IntStream.range(0, 40).mapToObj(i -> "img" + i).toList();
    ids.forEach(id -> images.pipeInput(id, TestImages.encoded(id, TestImages.png(28, 28, 1))));

    // When each gets its true label
    ids.forEach(id -> feedback.pipeInput(id, label(id, "Coat", null)));

    // Then every five training labels fire a run; holdout ids are never trained on
    List<FineTuneRequest> requests = requestsOut.readValuesToList();
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
    images.pipeInput(
        "old", TestImages.encoded("old", TestImages.png(28, 28, 1)), Instant.ofEpochMilli(0));

    // When feedback comes with an unknown label, for an unknown image, as garbage, with a bad
    // image, and, two minutes later (past the retention), for the expired image
    Instant t0 = Instant.ofEpochMilli(0);
    feedback.pipeInput("old", label("old", "Hat", null), t0);
    feedback.pipeInput("nope", label("nope", "Coat", null), t0);
    feedback.pipeInput("junk", new byte[] {1, 2, 3}, t0);
    feedback.pipeInput("bad", label("bad", "Coat", new byte[] {9, 9, 9}), t0);
    Instant later = t0.plus(Duration.ofMinutes(2));
    feedback.pipeInput("old", label("old", "Coat", null), later);
    // and feedback carrying its own image needs no recent one
    feedback.pipeInput("carried", label("carried", "Coat", TestImages.png(28, 28, 2)), later);

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

    // Then version 3's live accuracy, in its store, counts one hit and one miss
    LiveAccuracy v3 = live("fm", 3);
    assertThat(v3.count()).isEqualTo(2);
    assertThat(v3.accuracy()).isEqualTo(0.5);
    assertThat(live("fm", 0).count()).isZero();
  }

  @Test
  void shouldTriggerWhenLiveAccuracyFallsBelowItsBaseline() {
    // Given a trigger that fires only on a live accuracy drop of 0.5 (not on 100 labels)
    stop();
    open(new TriggerPolicy(100, Duration.ofHours(1), 0.5, 1));

    // When version 1 is right on its first 4 labelled predictions, then wrong on the next 4
    for (int i = 0; i < 8; i++) {
      labelPredicted("p" + i, i, i < 4 ? 4 : 7);
    }
    driver.advanceWallClockTime(Duration.ofSeconds(2));

    // Then one run fires, for the drop
    assertThat(requestsOut.readValuesToList())
        .singleElement()
        .satisfies(r -> assertThat(r.feedback()).contains("live accuracy", "fell below 1.000"));
  }

  /**
   * Image {@code id} (drawn from {@code i}), predicted as class {@code predicted}, labelled Coat.
   */
  private void labelPredicted(String id, int i, int predicted) {
    images.pipeInput(id, TestImages.encoded(id, TestImages.png(28, 28, i)));
    predictions.pipeInput(id, predicted(id, 1, predicted));
    feedback.pipeInput(id, label(id, "Coat", null));
  }

  @Test
  void shouldHoldAnAccuracyRunUntilTheHoldoutHoldsEnoughChampionMisses() {
    // Given a drop trigger that also needs 2 new holdout images the champion got wrong
    stop();
    open(new TriggerPolicy(100, Duration.ofHours(1), 0.5, 1, 2));
    HoldoutSplit split = new HoldoutSplit(HOLDOUT);
    List<String> ids = IntStream.range(0, 200).mapToObj(i -> "t" + i).toList();
    List<String> held = ids.stream().filter(split::isHoldout).toList();
    List<String> trained = ids.stream().filter(id -> !split.isHoldout(id)).toList();

    // When version 1 is right on 4 training labels, then wrong on 4 more: accuracy fell
    for (int i = 0; i < 8; i++) {
      labelPredicted(trained.get(i), i, i < 4 ? 4 : 7);
    }
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    List<FineTuneRequest> before = requestsOut.readValuesToList();

    // And then 2 holdout images are labelled, both missed
    labelPredicted(held.get(0), 0, 7);
    labelPredicted(held.get(1), 1, 7);
    driver.advanceWallClockTime(Duration.ofSeconds(2));

    // Then no run fired on the drop alone; one fires with the misses, and their count restarts
    assertThat(before).isEmpty();
    assertThat(requestsOut.readValuesToList())
        .singleElement()
        .satisfies(r -> assertThat(r.feedback()).contains("fell below", "2 new holdout misses"));
    assertThat(
            driver
                .<String, byte[]>getKeyValueStore(FeedbackTopology.TRIGGER_STORE)
                .get(HoldoutProcessor.MISSES))
        .isNull();
  }

  private LiveAccuracy live(String model, int version) {
    return LiveAccuracy.fromBytes(
        driver
            .<String, byte[]>getKeyValueStore(FeedbackTopology.LIVE_STORE)
            .get(ScoreProcessor.key(model, version)),
        LIVE_WINDOW);
  }

  /** Labels {@code n} images predicted by {@code version}, right or wrong. */
  private void labelPredictions(String prefix, int n, int version, boolean right) {
    for (int i = 0; i < n; i++) {
      String id = prefix + i;
      predictions.pipeInput(id, predicted(id, version, right ? 4 : 7));
      feedback.pipeInput(id, label(id, "Coat", TestImages.png(28, 28, i)));
    }
  }

  @Test
  void shouldPublishOneRollbackDecisionWhenThePromotedVersionDoesWorseThanItsPredecessor() {
    // Given version 2, fine-tuned from 1, promoted; version 1 was right on its labels
    versionsIn.pipeInput("fm", promoted(2, 1));
    labelPredictions("a", LIVE_WINDOW, 1, true);

    // When version 2 is wrong on twice as many labels as the rollback needs
    labelPredictions("b", 2 * LIVE_WINDOW, 2, false);

    // Then exactly one ROLLED_BACK decision, back to version 1, is a record on model-versions
    List<ModelVersion> decisions =
        versionsOut.readValuesToList().stream()
            .filter(v -> v.getStatus() == ModelStatus.ROLLED_BACK)
            .toList();
    assertThat(decisions)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getVersion()).isEqualTo(1);
              assertThat(d.getMetrics().get(RollbackPolicy.ROLLED_BACK_VERSION)).isEqualTo(2.0);
              assertThat(d.getReason()).contains("live accuracy of v2 0.000 fell below v1's 1.000");
            });
    // and the promotion history it acts on now ends with version 1
    byte[] history =
        driver.<String, byte[]>getKeyValueStore(FeedbackTopology.PROMOTIONS_STORE).get("fm");
    assertThat(Promotions.fromBytes(history).history()).containsExactly(1);
  }

  @Test
  void shouldKeepTheHoldoutWithinItsCountAndAge() {
    // Given a holdout of at most 5 examples
    stop();
    open(new TriggerPolicy(1000, Duration.ofHours(1), 0.5, 1), 5);
    HoldoutSplit split = new HoldoutSplit(HOLDOUT);
    List<String> held =
        IntStream.range(0, 200).mapToObj(i -> "h" + i).filter(split::isHoldout).toList();

    // When 20 holdout images are labelled, then one more two hours later
    byte[] png = TestImages.png(28, 28, 1);
    held.subList(0, 20)
        .forEach(id -> feedback.pipeInput(id, label(id, "Coat", png), Instant.ofEpochMilli(0)));
    var store = new Fifo(driver.getKeyValueStore(FeedbackTopology.HOLDOUT_STORE));
    long afterCount = store.size();
    String last = held.get(20);
    feedback.pipeInput(last, label(last, "Coat", png), Instant.ofEpochMilli(0).plusSeconds(7200));

    // Then the count bound keeps 5, and the age bound drops all but the newest
    assertThat(afterCount).isEqualTo(5);
    assertThat(store.size()).isEqualTo(1);
  }

  private static final int SOAK = Integer.getInteger("soak", 100_000);

  @Test
  void shouldKeepEveryStoreBoundedOverAHundredThousandFeedbackRecords() {
    // Given a trigger that fires every 500 training labels
    stop();
    open(new TriggerPolicy(500, Duration.ofHours(1), 0.5, 1), 300);
    byte[] gray = new byte[28 * 28];

    // When 100,000 labelled images arrive, one a second, each with its image and prediction by
    // one of 40 versions
    long t0 = System.nanoTime();
    for (int i = 0; i < SOAK; i++) {
      String id = "s" + i;
      Instant at = Instant.ofEpochSecond(i);
      images.pipeInput(id, TestImages.pixels(id, 28, 28, 1, gray), at);
      predictions.pipeInput(id, predicted(id, 1 + i / (SOAK / 40), i % 10), at);
      feedback.pipeInput(id, label(id, FashionMnist.LABELS.get(i % 10), null), at);
    }
    System.out.printf(
        "soak: %,d feedback records in %.1f s%n", SOAK, (System.nanoTime() - t0) / 1e9);

    // Then each store holds no more than its bound
    assertThat(count(FeedbackTopology.HOLDOUT_STORE)).isLessThanOrEqualTo(300 + 2);
    assertThat(count(FeedbackTopology.FRESH_STORE)).isLessThanOrEqualTo(500 + 2);
    assertThat(count(FeedbackTopology.REPLAY_STORE)).isLessThanOrEqualTo(10 * 3 + 10);
    assertThat(count(FeedbackTopology.LIVE_STORE)).isEqualTo(ScoreProcessor.MAX_VERSIONS);
    // the window stores keep about the retention (60 s) plus a segment
    assertThat(windowCount(FeedbackTopology.RECENT_IMAGES_STORE)).isLessThanOrEqualTo(200);
    assertThat(windowCount(FeedbackTopology.RECENT_PREDICTIONS_STORE)).isLessThanOrEqualTo(200);
    assertThat(requestsOut.getQueueSize()).isGreaterThanOrEqualTo(SOAK / 1000);
  }

  private long count(String store) {
    try (var it = driver.<String, byte[]>getKeyValueStore(store).all()) {
      long n = 0;
      for (; it.hasNext(); it.next()) {
        n++;
      }
      return n;
    }
  }

  private long windowCount(String store) {
    try (var it = driver.<String, byte[]>getWindowStore(store).all()) {
      long n = 0;
      for (; it.hasNext(); it.next()) {
        n++;
      }
      return n;
    }
  }
}
