package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.avro.DeadLetter;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.Prediction;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.testing.Clients;
import io.vitstream.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inference service against a real (embedded) broker, exactly-once. */
class InferenceServiceIT {
  private static final SingleObjectAvroSerde<Prediction> PREDICTIONS =
      new SingleObjectAvroSerde<>(Prediction.class);
  private static final SingleObjectAvroSerde<DeadLetter> DEAD_LETTERS =
      new SingleObjectAvroSerde<>(DeadLetter.class);

  private static EmbeddedKafka kafka;
  private static ServingModel model;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.onFreePort().start();
    model = TestImages.fixtureModel();
  }

  @AfterAll
  static void stop() {
    model.close();
    kafka.close();
  }

  private static AppConfig config(String app, Path stateDir, int maxBatch, long delayMs) {
    return AppConfig.load(Optional.empty(), settings(app, stateDir, maxBatch, delayMs));
  }

  private static Map<String, String> settings(
      String app, Path stateDir, int maxBatch, long delayMs) {
    Map<String, String> m = new HashMap<>();
    m.put(ConfigKeys.BOOTSTRAP_SERVERS.name(), kafka.bootstrapServers());
    m.put(ConfigKeys.APPLICATION_ID.name(), app);
    m.put(ConfigKeys.MAX_BATCH_SIZE.name(), Integer.toString(maxBatch));
    m.put(ConfigKeys.MAX_BATCH_DELAY_MS.name(), Long.toString(delayMs));
    m.put(ConfigKeys.TOPIC_IMAGES.name(), app + "-images");
    m.put(ConfigKeys.TOPIC_PREDICTIONS.name(), app + "-predictions");
    m.put(ConfigKeys.TOPIC_DEAD_LETTERS.name(), app + "-dead-letters");
    m.put("state.dir", stateDir.toString());
    // a killed member leaves the group after this, not after the 45 s default
    m.put("consumer.session.timeout.ms", "6000");
    return m;
  }

  private static List<ImageEvent> images(String prefix, int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> TestImages.encoded(prefix + i, TestImages.png(28, 28, i)))
        .toList();
  }

  private static void assertExactlyOnce(List<ConsumerRecord<String, Prediction>> out, int n) {
    Map<String, Long> perId =
        out.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
    assertThat(perId).hasSize(n);
    assertThat(perId.values()).allMatch(c -> c == 1L);
    assertThat(out).hasSize(n);
  }

  @Test
  void shouldPredictEveryImageExactlyOnceAndDeadLetterAvroGarbage(@TempDir Path state)
      throws Exception {
    // Given the service running exactly-once
    AppConfig c = config("it-count", state, 16, 20);
    try (InferenceService service = new InferenceService(c, model)) {
      service.start();
      service.awaitRunning(Duration.ofSeconds(60));

      // When 300 images and one Avro garbage record are published
      int n = 300;
      Clients.publish(kafka.bootstrapServers(), c.inference().topics().images(), images("a", n));
      Clients.publishRaw(
          kafka.bootstrapServers(), c.inference().topics().images(), "junk", new byte[] {7, 7, 7});

      // Then a read_committed consumer sees exactly one prediction per image
      var out =
          Clients.readCommitted(
              kafka.bootstrapServers(),
              c.inference().topics().predictions(),
              PREDICTIONS.deserializer(),
              n,
              Duration.ofSeconds(2),
              Duration.ofSeconds(90));
      assertExactlyOnce(out, n);
      assertThat(out).allSatisfy(r -> assertThat(r.value().getBatchSize()).isBetween(1, 16));

      // And the garbage is a dead letter, written within the transaction
      var letters =
          Clients.readCommitted(
              kafka.bootstrapServers(),
              c.inference().topics().deadLetters(),
              DEAD_LETTERS.deserializer(),
              1,
              Duration.ofMillis(500),
              Duration.ofSeconds(30));
      assertThat(letters).hasSize(1);
      assertThat(letters.get(0).key()).isEqualTo("junk");
      assertThat(letters.get(0).value().getStage()).isEqualTo("deserialize");
      assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
  }

  @Test
  void shouldDeadLetterATenMegabyteImageAndPredictEveryImageBehindIt(@TempDir Path state)
      throws Exception {
    // Given the service running exactly-once, with the default 8 MiB image limit
    AppConfig c = config("it-poison", state, 16, 20);
    try (InferenceService service = new InferenceService(c, model)) {
      service.start();
      service.awaitRunning(Duration.ofSeconds(60));

      // When a 10 MB image arrives, then 10 good ones
      byte[] huge =
          new SingleObjectAvroSerde<>(ImageEvent.class)
              .encode(TestImages.encoded("huge", new byte[10_000_000]));
      String images = c.inference().topics().images();
      Clients.publishRaw(kafka.bootstrapServers(), images, "huge", huge);
      Clients.publish(kafka.bootstrapServers(), images, images("p", 10));

      // Then every good image is predicted exactly once
      var out =
          Clients.readCommitted(
              kafka.bootstrapServers(),
              c.inference().topics().predictions(),
              PREDICTIONS.deserializer(),
              10,
              Duration.ofSeconds(1),
              Duration.ofSeconds(60));
      assertExactlyOnce(out, 10);

      // And the huge one is a small dead letter carrying its size and digest
      var letters =
          Clients.readCommitted(
              kafka.bootstrapServers(),
              c.inference().topics().deadLetters(),
              DEAD_LETTERS.deserializer(),
              1,
              Duration.ofMillis(500),
              Duration.ofSeconds(30));
      assertThat(letters).hasSize(1);
      DeadLetter l = letters.get(0).value();
      assertThat(l.getStage()).isEqualTo("decode");
      assertThat(l.getOriginalSize()).isEqualTo(huge.length);
      assertThat(l.getOriginalValue().remaining()).isEqualTo(c.inference().deadLetterValueBytes());
      assertThat(l.getOriginalSha256()).isEqualTo(io.vitstream.store.Sha256.hex(huge));
      assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
      assertThat(service.failure()).isEmpty();
    }
  }

  @Test
  void shouldLoseAndDuplicateNothingWhenStoppedWithImagesBuffered(
      @TempDir Path state1, @TempDir Path state2) throws Exception {
    // Given an instance holding 10 images in its buffer (batch 64, delay 10 min)
    AppConfig buffering = config("it-restart", state1, 64, 600_000);
    String images = buffering.inference().topics().images();
    String predictions = buffering.inference().topics().predictions();
    try (InferenceService first = new InferenceService(buffering, model)) {
      first.start();
      first.awaitRunning(Duration.ofSeconds(60));
      Clients.publish(kafka.bootstrapServers(), images, images("b", 10));
      // the input offsets get committed while the images sit in the buffer
      Clients.awaitCommitted(kafka.bootstrapServers(), buffering.applicationId(), images, 10);
    }
    assertThat(
            Clients.readCommitted(
                kafka.bootstrapServers(),
                predictions,
                PREDICTIONS.deserializer(),
                0,
                Duration.ZERO,
                Duration.ofSeconds(2)))
        .isEmpty();

    // When a new instance starts on an empty state directory with a short delay, and 22 more come
    AppConfig flushing = config("it-restart", state2, 64, 50);
    try (InferenceService second = new InferenceService(flushing, model)) {
      second.start();
      second.awaitRunning(Duration.ofSeconds(60));
      Clients.publish(kafka.bootstrapServers(), images, images("c", 22));

      // Then all 32 come out once: the buffered 10 restored from the changelog
      var out =
          Clients.readCommitted(
              kafka.bootstrapServers(),
              predictions,
              PREDICTIONS.deserializer(),
              32,
              Duration.ofSeconds(2),
              Duration.ofSeconds(90));
      assertExactlyOnce(out, 32);
      Set<String> ids = out.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
      assertThat(ids).contains("b0", "b9", "c0", "c21");
    }
  }

  @Test
  void shouldLoseAndDuplicateNothingWhenKilledWithImagesBuffered(
      @TempDir Path state1, @TempDir Path state2, @TempDir Path logs) throws Exception {
    // Given `vitstream run` in a child JVM holding 10 images in its buffer (batch 64, delay 10 min)
    Map<String, String> buffering = settings("it-crash", state1, 64, 600_000);
    String images = buffering.get(ConfigKeys.TOPIC_IMAGES.name());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of("-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path")));
    command.addAll(
        List.of(
            "io.vitstream.cli.Main", "run", "--checkpoint", TestImages.fixtureDir().toString()));
    buffering.forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
    Process child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve("child.log").toFile())
            .start();
    try {
      Clients.awaitMembers(kafka.bootstrapServers(), "it-crash", 1);
      Clients.publish(kafka.bootstrapServers(), images, images("k", 10));
      Clients.awaitCommitted(kafka.bootstrapServers(), "it-crash", images, 10);
    } finally {
      // When it is killed (SIGKILL: no close, no flush, no leaving the group)
      child.destroyForcibly().waitFor();
    }

    // And a new instance starts on an empty state directory, and 22 more images come
    AppConfig flushing = config("it-crash", state2, 64, 50);
    try (InferenceService second = new InferenceService(flushing, model)) {
      second.start();
      second.awaitRunning(Duration.ofSeconds(90));
      Clients.publish(kafka.bootstrapServers(), images, images("m", 22));

      // Then read_committed sees all 32 exactly once: the 10 came back from the changelog
      var out =
          Clients.readCommitted(
              kafka.bootstrapServers(),
              flushing.inference().topics().predictions(),
              PREDICTIONS.deserializer(),
              32,
              Duration.ofSeconds(2),
              Duration.ofSeconds(120));
      assertExactlyOnce(out, 32);
      assertThat(out).extracting(ConsumerRecord::key).contains("k0", "k9", "m0", "m21");
    }
  }
}
