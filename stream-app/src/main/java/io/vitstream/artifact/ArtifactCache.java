package io.vitstream.artifact;

import io.vitstream.avro.ArtifactKind;
import io.vitstream.avro.ModelArtifact;
import io.vitstream.inference.VersionSource;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.store.ModelStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local model store as a cache of the artifact topic. {@link #fetch} reads the topic from its
 * beginning (outside any consumer group, {@code read_committed}), collects the latest record of
 * each key of the version, checks every chunk's sha256, the chunk sizes and the whole file's sha256
 * against the header, and only then adds the version to the store, which checks the weights against
 * the manifest once more. A version whose header or chunks are not there yet is waited for, up to
 * the configured wait, then refused; nothing of it is written to the store.
 */
public final class ArtifactCache implements VersionSource {
  /** The longest time to read what the topic already holds, whatever the wait. */
  static final Duration READ_TIMEOUT = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(ArtifactCache.class);

  private final ModelStore store;
  private final Map<String, Object> clientConfig;
  private final ArtifactSettings settings;
  private final SingleObjectAvroSerde<ModelArtifact> serde =
      new SingleObjectAvroSerde<>(ModelArtifact.class);

  /**
   * @param store the local store the versions are added to
   * @param clientConfig Kafka client settings (bootstrap servers, security)
   * @param settings the topic and how long to wait for an incomplete version
   */
  public ArtifactCache(
      ModelStore store, Map<String, Object> clientConfig, ArtifactSettings settings) {
    this.store = store;
    this.clientConfig = Map.copyOf(clientConfig);
    this.settings = settings;
  }

  /**
   * Adds {@code name:version} to the local store from the topic, unless it is there already.
   *
   * @throws ArtifactException in one line when a record fails its checks, or the version is not
   *     complete on the topic within the wait
   */
  @Override
  public void fetch(String name, int version) {
    if (store.versions(name).contains(version)) {
      return;
    }
    long t0 = System.nanoTime();
    VersionAssembly assembly = new VersionAssembly(name, version);
    scan(assembly::wants, assembly::add, assembly::complete, settings.fetchWait());
    if (!assembly.complete()) {
      throw new ArtifactException(
          "artifact of "
              + name
              + ":"
              + version
              + " is not complete on "
              + settings.topic()
              + " after "
              + settings.fetchWait().toSeconds()
              + " s ("
              + assembly.missing()
              + ")");
    }
    List<byte[]> weights = assembly.weights();
    store.importVersion(name, version, assembly.manifest(), weights);
    LOG.info(
        "fetched {}:{} from {} into {}: {} bytes in {} chunks ({} ms)",
        name,
        version,
        settings.topic(),
        store.root(),
        weights.stream().mapToLong(b -> b.length).sum(),
        weights.size(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** The promoted version the topic records for {@code name}, or empty (or no such topic). */
  public OptionalInt promoted(String name) {
    String key = ArtifactKeys.pointer(name);
    OptionalInt[] latest = {OptionalInt.empty()};
    scan(
        key::equals,
        r -> {
          if (r.getKind() == ArtifactKind.POINTER) {
            latest[0] = OptionalInt.of(r.getVersion());
          }
        },
        () -> true,
        Duration.ZERO);
    return latest[0];
  }

  /**
   * Makes the local store's promoted version of {@code name} the one the topic records, fetching it
   * if needed; does nothing when the topic records none.
   *
   * @return the promoted version on the topic, if any
   * @throws ArtifactException when that version cannot be fetched
   */
  public OptionalInt syncPromoted(String name) {
    OptionalInt promoted = promoted(name);
    if (promoted.isPresent()) {
      int v = promoted.getAsInt();
      fetch(name, v);
      if (store.promoted(name).orElse(0) != v) {
        store.promote(name, v);
        LOG.info(
            "{}:{} is promoted on {}: promoted in {} too", name, v, settings.topic(), store.root());
      }
    }
    return promoted;
  }

  /**
   * Reads the topic from its beginning to its end, then on while {@code done} is false and the wait
   * lasts. Records whose key {@code wants} are decoded and handed to {@code each}.
   */
  private void scan(
      Predicate<String> wants, Consumer<ModelArtifact> each, BooleanSupplier done, Duration wait) {
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = partitions(consumer);
      if (partitions.isEmpty()) {
        return;
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long waitEnd = System.nanoTime() + wait.toNanos();
      long readEnd = System.nanoTime() + READ_TIMEOUT.toNanos() + wait.toNanos();
      while (true) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // read_committed: the LSO
        do {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.key() != null && r.value() != null && wants.test(r.key())) {
              each.accept(decode(r));
            }
          }
          if (System.nanoTime() - readEnd > 0) {
            throw new ArtifactException(
                "could not read " + settings.topic() + " to its end in " + READ_TIMEOUT);
          }
        } while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)));
        if (done.getAsBoolean() || System.nanoTime() - waitEnd > 0) {
          return;
        }
      }
    }
  }

  private ModelArtifact decode(ConsumerRecord<String, byte[]> r) {
    try {
      return serde.decode(r.value());
    } catch (RuntimeException e) {
      throw new ArtifactException(
          "refusing artifact "
              + r.key()
              + " at "
              + r.topic()
              + "-"
              + r.partition()
              + "@"
              + r.offset()
              + ": not a ModelArtifact ("
              + e.getMessage().lines().findFirst().orElse("")
              + ")",
          e);
    }
  }

  private List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer) {
    try {
      return consumer.partitionsFor(settings.topic(), Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition()))
          .toList();
    } catch (AuthenticationException | AuthorizationException e) {
      throw e; // not a missing topic: the client settings are wrong
    } catch (KafkaException e) {
      return List.of();
    }
  }

  private KafkaConsumer<String, byte[]> consumer() {
    Map<String, Object> props = new HashMap<>(clientConfig);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
