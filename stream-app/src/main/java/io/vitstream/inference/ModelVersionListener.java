package io.vitstream.inference;

import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.kafka.ConsumerThreads;
import io.vitstream.metrics.Metrics;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.store.ModelStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swaps the served model when the {@code model-versions} topic says another version of it was
 * promoted or rolled back to. The version is made present in the model store by a {@link
 * VersionSource} (from Kafka, when instances share nothing else), loaded (its sha256 checked),
 * warmed up on every batch shape, then installed in the {@link ModelSlot}; the batches in flight
 * finish on the old model, whose memory is freed after them. A version that cannot be loaded is
 * logged in one line and the old model keeps serving.
 *
 * <p>The listener runs its own consumer thread, outside any consumer group: every instance sees
 * every event. It starts at the end of the topic and then catches up once from the store's promoted
 * pointer, so a promotion made before it started is not missed and an old event is not replayed.
 */
public final class ModelVersionListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelVersionListener.class);

  private final ModelStore store;
  private final VersionSource source;
  private final ModelSlot<ServingModel> slot;
  private final BatchClassifier warmer;
  private final Map<String, Object> clientConfig;
  private final String topic;
  private final Metrics metrics;
  private final AtomicBoolean running = new AtomicBoolean();
  private KafkaConsumer<String, ModelVersion> consumer;
  private Thread thread;

  /**
   * @param store where versions are loaded from
   * @param slot the slot to swap; the model in it names the model listened for
   * @param shapes the batch shapes to warm up
   * @param clientConfig Kafka client settings (bootstrap servers, security)
   * @param topic the model-versions topic
   */
  public ModelVersionListener(
      ModelStore store,
      ModelSlot<ServingModel> slot,
      BatchShapes shapes,
      Map<String, Object> clientConfig,
      String topic) {
    this(store, slot, shapes, clientConfig, topic, Metrics.noop());
  }

  /**
   * As above, counting each event (fine-tuning outcomes, gate decisions) and swap in {@code
   * metrics}.
   */
  public ModelVersionListener(
      ModelStore store,
      ModelSlot<ServingModel> slot,
      BatchShapes shapes,
      Map<String, Object> clientConfig,
      String topic,
      Metrics metrics) {
    this(store, VersionSource.localOnly(), slot, shapes, clientConfig, topic, metrics);
  }

  /**
   * As above, first making each version present in the store through {@code source} (e.g. from
   * Kafka); a version it cannot provide is not served, with one line.
   */
  public ModelVersionListener(
      ModelStore store,
      VersionSource source,
      ModelSlot<ServingModel> slot,
      BatchShapes shapes,
      Map<String, Object> clientConfig,
      String topic,
      Metrics metrics) {
    this.source = source;
    this.metrics = metrics;
    this.store = store;
    this.slot = slot;
    this.warmer = new BatchClassifier(shapes, 1);
    this.clientConfig = Map.copyOf(clientConfig);
    this.topic = topic;
  }

  /**
   * The version an event asks this instance to serve, or empty when it asks for nothing: another
   * model, a candidate or rejected version, or the version already serving.
   */
  public OptionalInt versionToServe(ModelVersion event) {
    ServingModel serving = slot.peek();
    boolean serves =
        event.getStatus() == ModelStatus.PROMOTED || event.getStatus() == ModelStatus.ROLLED_BACK;
    if (!serves
        || !event.getModelName().equals(serving.name())
        || event.getVersion() == serving.version()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(event.getVersion());
  }

  /**
   * Serves the version an event asks for, if any.
   *
   * @return whether the model was swapped
   */
  public boolean apply(ModelVersion event) {
    OptionalInt version = versionToServe(event);
    if (version.isEmpty() || !swapTo(version.getAsInt())) {
      return false;
    }
    recordPromoted(event.getModelName(), version.getAsInt());
    return true;
  }

  /**
   * Records what the cluster promoted in this instance's store, so that a restart serves it even
   * when Kafka's copy cannot be read then.
   */
  private void recordPromoted(String name, int version) {
    try {
      if (store.promoted(name).orElse(-1) != version) {
        store.promote(name, version);
      }
    } catch (RuntimeException e) {
      LOG.warn("serving {}:{} but cannot record it as promoted: {}", name, version, e.getMessage());
    }
  }

  /**
   * Fetches if needed, loads, warms up and installs a version of the served model.
   *
   * @return false, after one log line, when it cannot be fetched or loaded; the old model keeps
   *     serving
   */
  public boolean swapTo(int version) {
    ServingModel old = slot.peek();
    ServingModel next;
    try {
      source.fetch(old.name(), version);
      var provider =
          new StoreModelProvider(
              store,
              old.name(),
              OptionalInt.of(version),
              old.model().device(),
              old.model().precision());
      next = provider.load();
    } catch (RuntimeException e) {
      LOG.warn(
          "not serving {}:{}, keeping v{}: {}", old.name(), version, old.version(), e.getMessage());
      return false;
    }
    try {
      long t0 = System.nanoTime();
      warmer.warmUp(next);
      long t1 = System.nanoTime();
      slot.swap(next);
      metrics.swapPause(System.nanoTime() - t1);
      LOG.info(
          "serving {}:{} (was v{}; warm-up {} ms)",
          next.name(),
          next.version(),
          old.version(),
          (t1 - t0) / 1_000_000);
      return true;
    } catch (RuntimeException e) {
      next.close();
      LOG.warn(
          "not serving {}:{}, keeping v{}: {}", old.name(), version, old.version(), e.getMessage());
      return false;
    }
  }

  /** Swaps to the store's promoted version if it is not the one serving. */
  public boolean catchUp() {
    ServingModel serving = slot.peek();
    OptionalInt promoted;
    try {
      promoted = store.promoted(serving.name());
    } catch (RuntimeException e) {
      LOG.warn("cannot read the promoted version of {}: {}", serving.name(), e.getMessage());
      return false;
    }
    return promoted.isPresent()
        && promoted.getAsInt() != serving.version()
        && swapTo(promoted.getAsInt());
  }

  /**
   * Positions at the end of the topic, catches up from the store, then listens on a thread.
   *
   * @throws AuthenticationException when the client settings cannot log in to Kafka
   */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    Map<String, Object> props = new HashMap<>(clientConfig);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    var values = new SingleObjectAvroSerde<>(ModelVersion.class).deserializer();
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), values);
    List<TopicPartition> partitions;
    try {
      partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
    } catch (AuthenticationException | AuthorizationException e) {
      consumer.close();
      throw e; // not a missing topic: the client settings are wrong
    } catch (KafkaException e) {
      partitions = List.of();
    }
    if (partitions.isEmpty()) {
      LOG.warn("topic {} not found: the served model will not be swapped", topic);
      consumer.close();
      return;
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // fixes the start before catching up
    catchUp();
    running.set(true);
    thread = new Thread(this::run, "model-version-listener");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running.get()) {
        pollOnce();
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("model-version listener stopped; the current model keeps serving", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** One poll: a record that is not a ModelVersion is skipped with one line, never fatal. */
  private void pollOnce() {
    try {
      for (ConsumerRecord<String, ModelVersion> r : consumer.poll(Duration.ofMillis(500))) {
        if (r.value() != null) {
          metrics.modelEvent(r.value());
          apply(r.value());
        }
      }
    } catch (RecordDeserializationException e) {
      LOG.warn(
          "skipping {}@{}: not a ModelVersion ({})",
          e.topicPartition(),
          e.offset(),
          e.getMessage().lines().findFirst().orElse(""));
      consumer.seek(e.topicPartition(), e.offset() + 1);
    }
  }

  /** Stops listening; the slot and its model stay with their owner. */
  @Override
  public synchronized void close() {
    ConsumerThreads.stop(running, consumer, thread);
    thread = null;
  }
}
