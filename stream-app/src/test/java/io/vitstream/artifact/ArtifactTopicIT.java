package io.vitstream.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.vitstream.avro.ArtifactKind;
import io.vitstream.avro.ModelArtifact;
import io.vitstream.inference.BatchShapes;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ModelVersionListener;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.metrics.Metrics;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.store.LoadedModel;
import io.vitstream.store.ModelStore;
import io.vitstream.store.Sha256;
import io.vitstream.store.VersionFiles;
import io.vitstream.testing.ShippedModel;
import io.vitstream.testing.TinyModels;
import io.vitstream.vit.Precision;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Model versions through a compacted topic on a real broker, into empty stores. */
@Timeout(180)
class ArtifactTopicIT {
  private static final String SHIPPED = ShippedModel.NAME;
  private static final int SHIPPED_VERSION = 4;

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.onFreePort().start();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  private static Map<String, Object> client() {
    return Map.of("bootstrap.servers", kafka.bootstrapServers());
  }

  /** A compacted one-partition topic, with a record limit if given. */
  private static void createTopic(String topic, Optional<Integer> maxMessageBytes)
      throws Exception {
    var configs = new java.util.HashMap<String, String>();
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    maxMessageBytes.ifPresent(m -> configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "" + m));
    try (Admin admin = Admin.create(client())) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs))).all().get();
    }
  }

  /** A copy of the repository's shipped model (all versions), never the repository's own. */
  private static ModelStore shippedCopy(Path dir) throws Exception {
    Path repo = Path.of(System.getProperty("vitstream.repo.dir", ".")).resolve("model-store");
    return ModelStore.copyModel(repo, SHIPPED, dir.resolve("store"));
  }

  private static String sha(Path file) throws Exception {
    return Sha256.hex(Files.readAllBytes(file));
  }

  @Test
  void shouldRoundTripTheShippedModelIntoAnEmptyStore(@TempDir Path from, @TempDir Path to)
      throws Exception {
    // Given the shipped version 4 on a compacted artifact topic
    ModelStore source = shippedCopy(from);
    var settings = new ArtifactSettings("artifacts-roundtrip", 512 * 1024, Duration.ofSeconds(10));
    createTopic(settings.topic(), Optional.empty());
    try (var publisher = new ArtifactPublisher(client(), settings)) {
      publisher.publish(source, SHIPPED, SHIPPED_VERSION);
    }

    // When an instance with an empty store fetches it
    ModelStore empty = ModelStore.open(to);
    long t0 = System.nanoTime();
    new ArtifactCache(empty, client(), settings).fetch(SHIPPED, SHIPPED_VERSION);
    System.out.printf("fetched the shipped v4 in %d ms%n", (System.nanoTime() - t0) / 1_000_000);

    // Then both files are byte for byte the shipped ones, and the version loads
    VersionFiles original = source.files(SHIPPED, SHIPPED_VERSION);
    VersionFiles fetched = empty.files(SHIPPED, SHIPPED_VERSION);
    assertThat(sha(fetched.weights())).isEqualTo(sha(original.weights()));
    assertThat(sha(fetched.manifest())).isEqualTo(sha(original.manifest()));
    assertThat(empty.versions(SHIPPED)).containsExactly(SHIPPED_VERSION);
    try (LoadedModel m =
        empty.load(SHIPPED, OptionalInt.of(SHIPPED_VERSION), Device.cpu(), Precision.FP32)) {
      assertThat(m.manifest().sha256()).isEqualTo(sha(original.weights()));
    }
  }

  @Test
  void shouldAssembleAModelLargerThanTheTopicsRecordLimit(@TempDir Path from, @TempDir Path to)
      throws Exception {
    // Given a topic that takes records of 64 KiB at most, and weights of 830 KB
    ModelStore source = shippedCopy(from);
    int limit = 64 * 1024;
    var settings = new ArtifactSettings("artifacts-small", 512 * 1024, Duration.ofSeconds(10));
    createTopic(settings.topic(), Optional.of(limit));
    long weightBytes = Files.size(source.files(SHIPPED, SHIPPED_VERSION).weights());
    assertThat(weightBytes).isGreaterThan(10L * limit);

    // When the version is published and fetched
    int chunk;
    try (var publisher = new ArtifactPublisher(client(), settings)) {
      chunk = publisher.chunkBytes();
      publisher.publish(source, SHIPPED, SHIPPED_VERSION);
    }
    ModelStore empty = ModelStore.open(to);
    new ArtifactCache(empty, client(), settings).fetch(SHIPPED, SHIPPED_VERSION);

    // Then it went in chunks under the limit and came back whole
    assertThat(chunk).isLessThan(limit);
    assertThat(sha(empty.files(SHIPPED, SHIPPED_VERSION).weights()))
        .isEqualTo(sha(source.files(SHIPPED, SHIPPED_VERSION).weights()));
    System.out.printf(
        "%d bytes in %d chunks of %d under a %d-byte limit%n",
        weightBytes, (weightBytes + chunk - 1) / chunk, chunk, limit);
  }

  @Test
  void shouldShipAViTBase16SizedModelInChunksUnderTheBrokersDefaultLimit(
      @TempDir Path from, @TempDir Path to) throws Exception {
    // Given a ViT-B/16 (86 M parameters, 330 MB of fp32) in a store, and the default 1 MB records
    ModelStore source = ModelStore.open(from);
    int v = TinyModels.publishVariant(source, "vit-b16", "vit_base_patch16_224", 3);
    long weightBytes = Files.size(source.files("vit-b16", v).weights());
    assertThat(weightBytes).isGreaterThan(300L << 20);
    var settings = new ArtifactSettings("artifacts-large", 512 * 1024, Duration.ofSeconds(60));
    createTopic(settings.topic(), Optional.empty());

    // When it is published and fetched into an empty store
    long t0 = System.nanoTime();
    try (var publisher = new ArtifactPublisher(client(), settings)) {
      publisher.publish(source, "vit-b16", v);
    }
    long t1 = System.nanoTime();
    ModelStore empty = ModelStore.open(to);
    new ArtifactCache(empty, client(), settings).fetch("vit-b16", v);
    long t2 = System.nanoTime();

    // Then it comes back bit for bit, with its manifest
    assertThat(sha(empty.files("vit-b16", v).weights()))
        .isEqualTo(sha(source.files("vit-b16", v).weights()));
    assertThat(empty.manifest("vit-b16", v).sha256())
        .isEqualTo(source.manifest("vit-b16", v).sha256());
    System.out.printf(
        "ViT-B/16: %d MB published in %.1f s, fetched and verified in %.1f s%n",
        weightBytes >> 20, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
  }

  @Test
  void shouldRefuseACorruptedChunkInOneLineAndKeepServingTheOldVersion(
      @TempDir Path from, @TempDir Path to) throws Exception {
    // Given versions 1 and 2 of a tiny model on the topic, then chunk 0 of version 2 replaced by
    // bytes that do not match the sha256 its record carries
    String name = "corrupt-model";
    ModelStore source = ModelStore.open(from);
    TinyModels.publish(source, name, 1, 0);
    int v2 = TinyModels.publish(source, name, 2, 1);
    var settings = new ArtifactSettings("artifacts-corrupt", 4096, Duration.ofSeconds(5));
    createTopic(settings.topic(), Optional.empty());
    try (var publisher = new ArtifactPublisher(client(), settings)) {
      publisher.publish(source, name, 1);
      publisher.publish(source, name, v2);
    }
    byte[] good = Files.readAllBytes(source.files(name, v2).weights());
    byte[] bad = java.util.Arrays.copyOf(good, 4096);
    bad[100] ^= 1;
    send(
        settings.topic(),
        ArtifactKeys.chunk(name, v2, 0),
        chunkRecord(name, v2, 0, bad, Sha256.hex(java.util.Arrays.copyOf(good, 4096))));

    // And an instance with an empty store serving version 1 from the topic
    ModelStore local = ModelStore.open(to);
    var cache = new ArtifactCache(local, client(), settings);
    cache.fetch(name, 1);
    local.promote(name, 1);
    try (ModelSlot<ServingModel> slot = TinyModels.servePromoted(local, name);
        var listener =
            new ModelVersionListener(
                local,
                cache,
                slot,
                new BatchShapes(2),
                client(),
                "unused-model-versions",
                Metrics.noop())) {
      // When it is told to serve version 2
      boolean swapped = listener.swapTo(v2);

      // Then the fetch is refused in one line naming the chunk, nothing of version 2 is in the
      // store, and version 1 keeps serving
      assertThat(swapped).isFalse();
      assertThat(slot.peek().version()).isEqualTo(1);
      assertThat(local.versions(name)).containsExactly(1);
      assertThatThrownBy(() -> cache.fetch(name, v2))
          .isInstanceOf(ArtifactException.class)
          .hasMessageContaining(name + "/" + v2 + "/0: sha256 of the data is")
          .satisfies(e -> assertThat(e.getMessage().lines().count()).isEqualTo(1));
      assertThat(Files.list(to.resolve(name)).map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("1", "promoted.json");
    }
  }

  @Test
  void shouldWaitForAVersionWhoseHeaderIsNotThereYetAndSkipItAfterTheWait(
      @TempDir Path from, @TempDir Path to, @TempDir Path other) throws Exception {
    // Given a version whose first chunk is on the topic but whose header is not
    String name = "late-model";
    ModelStore source = ModelStore.open(from);
    int v = TinyModels.publish(source, name, 3, 0);
    var settings = new ArtifactSettings("artifacts-late", 4096, Duration.ofSeconds(2));
    createTopic(settings.topic(), Optional.empty());
    byte[] weights = Files.readAllBytes(source.files(name, v).weights());
    byte[] first = java.util.Arrays.copyOf(weights, 4096);
    send(settings.topic(), ArtifactKeys.chunk(name, v, 0), chunkRecord(name, v, 0, first, null));

    // When an instance fetches it with a 2 s wait
    ModelStore local = ModelStore.open(to);
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> new ArtifactCache(local, client(), settings).fetch(name, v))
        // Then it is skipped after the wait, saying what is missing, and nothing is stored
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("is not complete on " + settings.topic() + " after 2 s")
        .hasMessageContaining("no header yet");
    assertThat((System.nanoTime() - t0) / 1e9).isGreaterThanOrEqualTo(2.0);
    assertThat(local.versions(name)).isEmpty();

    // And a fetch that starts before the publication completes once the artifact is complete
    var patient =
        new ArtifactSettings(settings.topic(), settings.chunkBytes(), Duration.ofSeconds(60));
    ModelStore later = ModelStore.open(other);
    var fetch =
        CompletableFuture.runAsync(
            () -> new ArtifactCache(later, client(), patient).fetch(name, v));
    try (var publisher = new ArtifactPublisher(client(), settings)) {
      publisher.publish(source, name, v);
    }
    fetch.get();
    assertThat(sha(later.files(name, v).weights())).isEqualTo(Sha256.hex(weights));
  }

  private static ModelArtifact chunkRecord(
      String name, int version, int index, byte[] data, String claimedSha) {
    return ModelArtifact.newBuilder()
        .setModelName(name)
        .setVersion(version)
        .setKind(ArtifactKind.CHUNK)
        .setIndex(index)
        .setData(ByteBuffer.wrap(data))
        .setSha256(claimedSha == null ? Sha256.hex(data) : claimedSha)
        .build();
  }

  private static void send(String topic, String key, ModelArtifact value) throws Exception {
    var serde = new SingleObjectAvroSerde<>(ModelArtifact.class);
    try (var producer = new KafkaProducer<>(client(), new StringSerializer(), serde.serializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }
}
