package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.vitstream.app.AppConfig;
import io.vitstream.app.InferenceService;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.Prediction;
import io.vitstream.feedback.ModelVersionPublisher;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.inference.StoreModelProvider;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.kafka.SaslPlain;
import io.vitstream.publish.ImagePublisher;
import io.vitstream.publish.SourceImage;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.Clients;
import io.vitstream.testing.TestImages;
import io.vitstream.testing.TinyModels;
import io.vitstream.vit.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security settings in the config file reach every Kafka client the app makes: proven against the
 * embedded broker listening with SASL_PLAINTEXT and SASL/PLAIN, which accepts one user.
 */
class SaslIT {
  private static final SaslPlain USER = new SaslPlain("vit", "s3cret-pw");
  private static final String MODEL = "sasl-model";
  private static final SingleObjectAvroSerde<Prediction> PREDICTIONS =
      new SingleObjectAvroSerde<>(Prediction.class);

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.onFreePort().withSaslPlain(USER).start();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  /** A config file as a user writes it: app keys, then the three security keys. */
  private static Path configFile(Path dir, String app, String password, String... extra)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("bootstrap.servers=" + kafka.bootstrapServers());
    lines.add("application.id=" + app);
    for (String topic : List.of("images", "predictions", "model-versions", "dead-letters")) {
      lines.add("topic." + topic.replace("-", ".") + "=" + app + "-" + topic);
    }
    lines.add("max.batch.size=8");
    lines.add("max.batch.delay.ms=10");
    lines.add("state.dir=" + dir.resolve("state"));
    lines.add("security.protocol=SASL_PLAINTEXT");
    lines.add("sasl.mechanism=PLAIN");
    lines.add(
        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"vit\" password=\""
            + password
            + "\";");
    lines.addAll(List.of(extra));
    Path file = dir.resolve(app + ".properties");
    Files.write(file, lines);
    return file;
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void shouldServeWithEveryClientLoggedInFromTheConfigFile(
      @TempDir Path dir, @TempDir Path storeDir) throws Exception {
    // Given a broker that refuses clients without a login, a config file with the right
    // credentials, and a store serving version 1
    AppConfig c =
        AppConfig.load(Optional.of(configFile(dir, "sasl-ok", USER.password())), Map.of());
    assertThat(c.clientProperties()).containsEntry("security.protocol", "SASL_PLAINTEXT");
    var topics = c.inference().topics();
    assertRefusedWithoutLogin();
    ModelStore store = ModelStore.open(storeDir);
    TinyModels.publish(store, MODEL, 1, 0);
    int v2 = TinyModels.publish(store, MODEL, 2, 1);
    store.promote(MODEL, 1);
    ServingModel first =
        new StoreModelProvider(store, MODEL, OptionalInt.empty(), Device.cpu(), Precision.FP32)
            .load();
    try (ModelSlot<ServingModel> slot = new ModelSlot<>(first);
        InferenceService service = new InferenceService(c, slot, Optional.of(store))) {
      // When the service starts (topics, model-version listener, Streams) and images come in
      service.start();
      service.awaitRunning(Duration.ofSeconds(60));
      int n = 12;
      List<SourceImage> images =
          IntStream.range(0, n)
              .mapToObj(
                  i -> SourceImage.encoded("s" + i, TestImages.png(28, 28, i), Optional.empty()))
              .toList();
      new ImagePublisher(
              c.clientConfig(), topics.images(), 0, ImagePublisher.DEFAULT_DELIVERY_TIMEOUT)
          .publish(images, i -> {})
          .requireComplete(topics.images());

      // Then the admin client created the topics
      try (Admin admin = Admin.create(c.clientConfig())) {
        assertThat(admin.listTopics().names().get()).containsAll(topics.all());
      }
      // And Streams predicted every image, read by a consumer with the same settings
      List<ConsumerRecord<String, Prediction>> out =
          Clients.readCommitted(
              c.clientConfig(),
              topics.predictions(),
              PREDICTIONS.deserializer(),
              n,
              Duration.ofSeconds(1),
              Duration.ofSeconds(90));
      assertThat(out).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(keys("s", n));

      // And the model-version listener's consumer hears a promotion and swaps the model
      store.promote(MODEL, v2);
      try (var publisher = new ModelVersionPublisher(c.clientConfig(), topics.modelVersions())) {
        publisher.accept(TinyModels.event(MODEL, v2, ModelStatus.PROMOTED));
      }
      Awaitility.await("version " + v2 + " serving")
          .atMost(Duration.ofSeconds(60))
          .until(() -> slot.peek().version() == v2);
      service.throwIfFailed();
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void shouldFailPublishInOneLineOnAWrongPassword(@TempDir Path dir) throws Exception {
    // Given a config file with a wrong password, and an image
    Path config = configFile(dir, "sasl-publish", "wrong");
    Path png = dir.resolve("a.png");
    Files.write(png, TestImages.png(28, 28, 1));

    // When publishing
    long t0 = System.nanoTime();
    CliRun run =
        CliRun.of("publish", "--config", config.toString(), "--no-progress", png.toString());

    // Then it fails within seconds, in one line naming the authentication failure
    assertOneLineAuthenticationFailure(run, t0);
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void shouldFailRunInOneLineOnAWrongPassword(@TempDir Path dir) throws Exception {
    // Given a config file with a wrong password (topics are created at startup by default)
    Path config = configFile(dir, "sasl-run", "wrong");

    // When serving the fixture model
    long t0 = System.nanoTime();
    CliRun run =
        CliRun.of(
            "run",
            "--config",
            config.toString(),
            "--checkpoint",
            TestImages.fixtureDir().toString());

    // Then the admin client's failure ends it in one line
    assertOneLineAuthenticationFailure(run, t0);
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void shouldFailRunInOneLineWhenOnlyStreamsLogsIn(@TempDir Path dir) throws Exception {
    // Given a wrong password and no topic creation: Kafka Streams is the first client to log in
    Path config = configFile(dir, "sasl-streams", "wrong", "topic.create=false");

    // When serving the fixture model
    long t0 = System.nanoTime();
    CliRun run =
        CliRun.of(
            "run",
            "--config",
            config.toString(),
            "--checkpoint",
            TestImages.fixtureDir().toString());

    // Then the dead Streams client ends the command in one line, not a silent JVM
    assertOneLineAuthenticationFailure(run, t0);
  }

  /** The broker's only client listener does not serve a client that does not log in. */
  private static void assertRefusedWithoutLogin() {
    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                3000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                1000))) {
      assertThatThrownBy(() -> admin.listTopics().names().get())
          .isInstanceOf(ExecutionException.class);
    }
  }

  private static void assertOneLineAuthenticationFailure(CliRun run, long t0) {
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "wrong password: exit %d after %.1f s: %s", run.exitCode(), seconds, run.err());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith("vitstream: Kafka authentication failed")
        .contains("sasl.jaas.config");
    assertThat(seconds).isLessThan(60);
  }

  private static String[] keys(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + i).toArray(String[]::new);
  }
}
