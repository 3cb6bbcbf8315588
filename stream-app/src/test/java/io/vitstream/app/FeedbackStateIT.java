package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitstream.avro.ClassScore;
import io.vitstream.avro.Feedback;
import io.vitstream.avro.Prediction;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.feedback.RollbackPolicy;
import io.vitstream.feedback.TriggerPolicy;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.kafka.TopicAdmin;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.TestImages;
import io.vitstream.testing.TinyModels;
import io.vitstream.topology.DeadLetters;
import io.vitstream.topology.FeedbackSettings;
import io.vitstream.topology.FeedbackTopology;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The feedback loop's state and topics on a real broker. */
class FeedbackStateIT {
  private static final int LABELS = 60;
  private static final List<String> STORES =
      List.of(
          FeedbackTopology.LIVE_STORE,
          FeedbackTopology.HOLDOUT_STORE,
          FeedbackTopology.FRESH_STORE,
          FeedbackTopology.REPLAY_STORE,
          FeedbackTopology.TRIGGER_STORE);

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.onFreePort().start();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  private static AppConfig config(String appId, Path state) {
    return AppConfig.load(
        Optional.empty(),
        Map.of(
            ConfigKeys.BOOTSTRAP_SERVERS.name(),
            kafka.bootstrapServers(),
            ConfigKeys.APPLICATION_ID.name(),
            appId,
            "state.dir",
            state.toString()));
  }

  private static FeedbackSettings settings(AppConfig c) {
    return new FeedbackSettings(
        c.inference().topics(),
        FashionMnist.LABELS,
        28,
        1,
        Duration.ofMinutes(10),
        0.3,
        1000,
        Duration.ofDays(1),
        3,
        new TriggerPolicy(1000, Duration.ofHours(1), 0.5, 1),
        new RollbackPolicy(0.5, 1000),
        100,
        1 << 20,
        DeadLetters.DEFAULT_MAX_VALUE_BYTES);
  }

  @Test
  @Timeout(180)
  void shouldRestoreLiveAccuracyReservoirHoldoutAndTriggerCountFromTheChangelogs(
      @TempDir Path state) throws Exception {
    // Given the feedback topology running, and 60 labelled predictions of version 1
    AppConfig c = config("it-state", state);
    FeedbackSettings settings = settings(c);
    try (Admin admin = Admin.create(c.clientConfig())) {
      TopicAdmin.createMissing(admin, settings.topics(), 1);
      TopicAdmin.createSinglePartition(admin, settings.requestsTopic(), Map.of());
    }
    Map<String, Map<String, String>> before;
    try (KafkaStreams streams = streams(c, settings)) {
      publish(settings);
      Awaitility.await("all labels filed")
          .atMost(Duration.ofSeconds(90))
          .until(() -> filed(streams) == LABELS);
      before = snapshot(streams);
      streams.close(leave());
    }

    // When the state directory is lost and the loop restarts
    try (Stream<Path> files = Files.walk(state)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }
    try (KafkaStreams streams = streams(c, settings)) {
      Awaitility.await("restored")
          .atMost(Duration.ofSeconds(90))
          .until(() -> streams.state() == KafkaStreams.State.RUNNING && filed(streams) == LABELS);

      // Then every store holds what it held before: live accuracy, holdout, fresh buffer (the
      // trigger count), reservoir and trigger state
      Map<String, Map<String, String>> after = snapshot(streams);
      assertThat(before.get(FeedbackTopology.LIVE_STORE)).isNotEmpty();
      assertThat(before.get(FeedbackTopology.REPLAY_STORE)).isNotEmpty();
      assertThat(before.get(FeedbackTopology.TRIGGER_STORE)).isNotEmpty();
      assertThat(after).isEqualTo(before);
      streams.close(leave());
    }
  }

  @Test
  @Timeout(120)
  void shouldRefuseAFeedbackTopicWithASecondPartition(@TempDir Path state, @TempDir Path store)
      throws Exception {
    // Given a feedback topic created with two partitions, and a model in the store
    AppConfig c =
        AppConfig.load(
            Optional.empty(),
            Map.of(
                ConfigKeys.BOOTSTRAP_SERVERS.name(),
                kafka.bootstrapServers(),
                ConfigKeys.APPLICATION_ID.name(),
                "it-two",
                ConfigKeys.TOPIC_IMAGES.name(),
                "two-images",
                ConfigKeys.TOPIC_PREDICTIONS.name(),
                "two-predictions",
                ConfigKeys.TOPIC_FEEDBACK.name(),
                "two-feedback",
                ConfigKeys.TOPIC_MODEL_VERSIONS.name(),
                "two-versions",
                ConfigKeys.TOPIC_DEAD_LETTERS.name(),
                "two-dead",
                FeedbackKeys.FINETUNE_REHEARSAL.name(),
                "0",
                "state.dir",
                state.toString()));
    try (Admin admin = Admin.create(c.clientConfig())) {
      admin.createTopics(List.of(new NewTopic("two-feedback", 2, (short) 1))).all().get();
    }
    ModelStore models = ModelStore.open(store);
    TinyModels.publish(models, "tiny", 1, 0);
    models.promote("tiny", 1);
    var data =
        new FeedbackLoop.OriginalData(
            new LabeledImages(0, 28, 28, new byte[0], new byte[0]), Optional.empty());
    try (ModelSlot<ServingModel> slot = TinyModels.servePromoted(models, "tiny")) {

      // When the loop starts, Then it refuses, naming the topic and its partitions
      assertThatThrownBy(() -> FeedbackLoop.start(c, models, slot.peek(), data))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("topic two-feedback has 2 partitions; it needs exactly 1");
    }
  }

  @Test
  @Timeout(120)
  void shouldStartTheLoopOfRunForAnRgbModelWithAFolderAsItsRegressionSet(
      @TempDir Path state, @TempDir Path root) throws Exception {
    // Given feedback on, a tiny RGB model in the store and a labelled folder of its classes
    ModelStore models = ModelStore.open(root.resolve("store"));
    TinyModels.publishRgb(models, "rgb", 1);
    models.promote("rgb", 1);
    Path regression = root.resolve("regression");
    for (String colour : TinyModels.COLOURS) {
      Files.createDirectories(regression.resolve(colour));
      Files.write(regression.resolve(colour).resolve("a.png"), TestImages.png(16, 16, 1));
    }
    AppConfig c =
        AppConfig.load(
            Optional.empty(),
            Map.of(
                ConfigKeys.BOOTSTRAP_SERVERS.name(),
                kafka.bootstrapServers(),
                ConfigKeys.APPLICATION_ID.name(),
                "it-rgb",
                ConfigKeys.TOPIC_FEEDBACK.name(),
                "rgb-feedback",
                FeedbackKeys.FEEDBACK_ENABLED.name(),
                "true",
                FeedbackKeys.REGRESSION_SOURCE.name(),
                "folder:" + regression,
                FeedbackKeys.FINETUNE_REHEARSAL.name(),
                "0",
                "state.dir",
                state.toString()));

    // When run's loop is built from the config
    try (ModelSlot<ServingModel> slot = TinyModels.servePromoted(models, "rgb");
        FeedbackLoop loop = FeedbackLoop.forRun(c, Optional.of(models), slot.peek())) {

      // Then it runs, with its single-partition request topic created
      assertThat(loop.running()).isTrue();
      try (Admin admin = Admin.create(c.clientConfig())) {
        assertThat(admin.listTopics().names().get()).contains("rgb-feedback-finetune");
      }
      loop.throwIfFailed();
    }
  }

  private static KafkaStreams streams(AppConfig c, FeedbackSettings settings) {
    KafkaStreams s =
        new KafkaStreams(
            FeedbackTopology.buildFeedbackTopology(settings, 1),
            FeedbackService.streamsProperties(c, settings));
    s.start();
    return s;
  }

  private static CloseOptions leave() {
    return CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(Duration.ofSeconds(30));
  }

  private static void publish(FeedbackSettings settings) throws Exception {
    var predictions = new SingleObjectAvroSerde<>(Prediction.class);
    var feedback = new SingleObjectAvroSerde<>(Feedback.class);
    Map<String, Object> props =
        Map.of(
            "bootstrap.servers",
            kafka.bootstrapServers(),
            "max.in.flight.requests.per.connection",
            1);
    try (var producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < LABELS; i++) {
        String id = "r" + i;
        Prediction p =
            Prediction.newBuilder()
                .setImageId(id)
                .setTopK(List.of(new ClassScore("Coat", 4, 0.9f)))
                .setModelName("fm")
                .setModelVersion(1)
                .setBatchSize(1)
                .setEventTime(Instant.now())
                .setInferenceTimeMs(1)
                .setOutputTime(Instant.now())
                .build();
        producer
            .send(new ProducerRecord<>(settings.topics().predictions(), id, predictions.encode(p)))
            .get();
      }
      for (int i = 0; i < LABELS; i++) {
        String id = "r" + i;
        Feedback fb =
            Feedback.newBuilder()
                .setImageId(id)
                .setLabel(FashionMnist.LABELS.get(i % 2 == 0 ? 4 : 7))
                .setSource("test")
                .setEventTime(Instant.now())
                .setEncoded(ByteBuffer.wrap(TestImages.png(28, 28, i)))
                .build();
        producer
            .send(new ProducerRecord<>(settings.topics().feedback(), id, feedback.encode(fb)))
            .get();
      }
    }
  }

  /** Holdout plus fresh examples: each label lands in one. */
  private static long filed(KafkaStreams streams) {
    try {
      Map<String, Map<String, String>> s = snapshot(streams);
      return s.get(FeedbackTopology.HOLDOUT_STORE).keySet().stream()
              .filter(k -> k.startsWith("e/"))
              .count()
          + s.get(FeedbackTopology.FRESH_STORE).keySet().stream()
              .filter(k -> k.startsWith("e/"))
              .count();
    } catch (RuntimeException e) {
      return -1; // not queryable yet (rebalancing, restoring)
    }
  }

  private static Map<String, Map<String, String>> snapshot(KafkaStreams streams) {
    Map<String, Map<String, String>> out = new HashMap<>();
    for (String name : STORES) {
      ReadOnlyKeyValueStore<String, byte[]> store =
          streams.store(
              StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
      Map<String, String> entries = new HashMap<>();
      try (var it = store.all()) {
        it.forEachRemaining(kv -> entries.put(kv.key, HexFormat.of().formatHex(kv.value)));
      }
      out.put(name, entries);
    }
    return out;
  }
}
