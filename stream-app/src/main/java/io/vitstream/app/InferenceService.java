package io.vitstream.app;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.vitstream.artifact.ArtifactCache;
import io.vitstream.inference.BatchClassifier;
import io.vitstream.inference.BatchShapes;
import io.vitstream.inference.Classifier;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ModelVersionListener;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.TopicAdmin;
import io.vitstream.metrics.Metrics;
import io.vitstream.runtime.Djl;
import io.vitstream.store.ModelStore;
import io.vitstream.topology.DeadLetterHandler;
import io.vitstream.topology.InferenceSettings;
import io.vitstream.topology.InferenceTopology;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the inference topology against a Kafka cluster: creates missing topics, sets PyTorch's
 * threads next to the stream threads, warms the model up on every batch shape, then starts Kafka
 * Streams. Closing leaves the consumer group, so a restart does not wait for the session timeout.
 * The model is the caller's: it must stay open until this service is closed.
 *
 * <p>Given a model store, the service also follows the {@code model-versions} topic and hot-swaps
 * the model in its {@link ModelSlot} when another version is promoted or rolled back to (see {@link
 * ModelVersionListener}), fetching the version from the artifact topic when the store lacks it.
 */
public final class InferenceService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);

  /**
   * The shortest producer transaction timeout. After a crash, {@code read_committed} readers wait
   * until the dead instance's open transaction times out, unless a restarted instance fences it
   * first; 10 s is Streams' own exactly-once default. A transaction spans at least one batch's
   * forward pass, so a slow model gets more: see {@link #transactionTimeoutMs(double)}.
   */
  static final int MIN_TRANSACTION_TIMEOUT_MS = 10_000;

  /**
   * Consumer session timeout: how long the group waits for a silent (killed) member before its
   * partitions move to another instance. 10 s (the client default is 45 s) with the default 3 s
   * heartbeat; static membership ({@code group.instance.id}) lets a restarted instance take its
   * partitions back without waiting at all.
   */
  static final int SESSION_TIMEOUT_MS = 10_000;

  /**
   * How often an exactly-once app commits: its outputs become visible to {@code read_committed}
   * readers only then. Measured with {@code bench pipeline} at half load: p99 latency 176 ms with
   * Streams' 100 ms default, 98 ms with 30 ms, at the same capacity (1,544 and 1,711 img/s).
   */
  static final int COMMIT_INTERVAL_MS = 30;

  /** Time between polls: covers the forward passes of one poll's records (500 by default). */
  static final int MAX_POLL_INTERVAL_MS = 300_000;

  private final AppConfig config;
  private final ModelSlot<ServingModel> slot;
  private final Optional<ModelStore> store;
  private final Optional<Classifier> classifier;
  private final Metrics metrics;
  private KafkaStreams streams;
  private KafkaStreamsMetrics streamsMetrics;
  private ModelVersionListener listener;
  private final StreamsFailure failure = new StreamsFailure("inference");

  /** Serves one model, never swapped; the caller closes it after this service. */
  public InferenceService(AppConfig config, ServingModel model) {
    this(config, new ModelSlot<>(model), Optional.empty());
  }

  /**
   * Serves the model in {@code slot} and, given a store, swaps in the versions that {@code
   * model-versions} announces. The slot stays the caller's: close it after this service.
   */
  public InferenceService(
      AppConfig config, ModelSlot<ServingModel> slot, Optional<ModelStore> store) {
    this(config, slot, store, Optional.empty());
  }

  /**
   * Serves with another forward pass than the model's own (a benchmark's no-op, for one); empty:
   * the model's batched forward.
   */
  public InferenceService(
      AppConfig config,
      ModelSlot<ServingModel> slot,
      Optional<ModelStore> store,
      Optional<Classifier> classifier) {
    this(config, slot, store, classifier, Metrics.noop());
  }

  /**
   * Serves as above and records what happens in {@code metrics}: images, batches, dead letters,
   * swaps, the version served and Kafka Streams' own metrics.
   */
  public InferenceService(
      AppConfig config,
      ModelSlot<ServingModel> slot,
      Optional<ModelStore> store,
      Optional<Classifier> classifier,
      Metrics metrics) {
    this.config = config;
    this.slot = slot;
    this.store = store;
    this.classifier = classifier;
    this.metrics = metrics;
  }

  /** The Streams configuration: tuned defaults, then the pass-through keys of the config file. */
  public static Properties streamsProperties(AppConfig c) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, c.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, c.processingGuarantee());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, c.streamThreads());
    // punctuation runs between polls: an idle poll must not outlast a batch tick by much
    p.put(StreamsConfig.POLL_MS_CONFIG, c.inference().batch().tick().toMillis());
    if (c.processingGuarantee().equals(StreamsConfig.EXACTLY_ONCE_V2)) {
      p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
    }
    // one bad record becomes a dead letter wherever it fails: reading, processing or producing
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterHandler.class.getName());
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName());
    p.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName());
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // also where the partition assignor builds its own StreamsConfig from the main consumer's
    // settings: without it, Kafka Streams 4.4 warns that the handler is off for the global thread
    p.put(
        StreamsConfig.mainConsumerPrefix(
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
        true);
    p.put(DeadLetterHandler.MAX_VALUE_BYTES_CONFIG, c.inference().deadLetterValueBytes());
    p.put(
        StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
        c.inference().topics().deadLetters());
    // the default 16 KB batches cap multi-KB records at a few thousand per second
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 262_144);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    int maxRequest = c.inference().maxRecordBytes() + AppConfig.RECORD_OVERHEAD_BYTES;
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), maxRequest);
    // changelog and repartition topics that Streams creates take records as large as the producer's
    p.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), maxRequest);
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        MIN_TRANSACTION_TIMEOUT_MS);
    p.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION_TIMEOUT_MS);
    p.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
        MAX_POLL_INTERVAL_MS);
    p.putAll(c.clientProperties());
    StaticMembership.apply(p);
    return p;
  }

  /** Creates topics, configures threads, warms up and starts; returns without waiting. */
  public synchronized void start() {
    if (streams != null) {
      throw new IllegalStateException("already started");
    }
    if (config.createTopics()) {
      try (Admin admin = Admin.create(config.clientConfig())) {
        List<String> created =
            TopicAdmin.createMissing(admin, config.inference().topics(), config.topicPartitions());
        LOG.info(
            "topics ready: {}{}",
            config.inference().topics().all(),
            created.isEmpty() ? "" : " (created " + created + ")");
      }
    }
    var settings = outputLimited(config.inference());
    Djl.setIntraOpThreads(config.intraOpThreads());
    var shapes = new BatchShapes(config.inference().batch().maxBatchSize());
    ServingModel served = slot.peek();
    double forwardMs = new BatchClassifier(shapes, 1).warmUp(served);
    LOG.info(
        "model {} v{} loaded and warmed up ({} batch shapes, {} ms for the largest)",
        served.name(),
        served.version(),
        shapes.sizes().size(),
        Math.round(forwardMs));
    metrics.modelVersion(served.name(), slot, s -> s.peek().version());
    if (store.isPresent()) {
      listener =
          new ModelVersionListener(
              store.get(),
              new ArtifactCache(store.get(), config.clientConfig(), config.artifacts()),
              slot,
              shapes,
              config.clientConfig(),
              config.inference().topics().modelVersions(),
              metrics);
      listener.start();
    }
    Topology topology =
        InferenceTopology.buildInferenceTopology(
            settings,
            slot,
            classifier.orElseGet(() -> new BatchClassifier(shapes, settings.topK())),
            metrics);
    Properties props = streamsProperties(config);
    props.put(DeadLetterHandler.METRICS_CONFIG, metrics);
    String transactionTimeout =
        StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
    if (!config.clientProperties().containsKey(transactionTimeout)) {
      props.put(transactionTimeout, transactionTimeoutMs(forwardMs));
    }
    streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(failure);
    streamsMetrics = metrics.bind(streams);
    AtomicBoolean announced = new AtomicBoolean();
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING && announced.compareAndSet(false, true)) {
            LOG.info(
                "streams RUNNING: {} -> {} ({}, {} thread(s))",
                config.inference().topics().images(),
                config.inference().topics().predictions(),
                config.processingGuarantee(),
                config.streamThreads());
          }
        });
    streams.start();
  }

  /**
   * Waits until the app is RUNNING.
   *
   * @throws TimeoutException when it is not running in time
   * @throws IllegalStateException when it failed
   */
  public void awaitRunning(Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      throwIfFailed();
      if (streams.state() == KafkaStreams.State.NOT_RUNNING) {
        throw new IllegalStateException("Kafka Streams stopped: " + streams.state());
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("Kafka Streams not running after " + timeout);
      }
      Thread.sleep(20);
    }
  }

  /**
   * The transaction timeout for a model whose largest batch takes {@code forwardMs}: room for ten
   * such passes (a busy CPU is slower than the warm-up), at least {@link
   * #MIN_TRANSACTION_TIMEOUT_MS}, at most Kafka's 15-minute broker cap.
   */
  static int transactionTimeoutMs(double forwardMs) {
    return (int) Math.min(900_000, Math.max(MIN_TRANSACTION_TIMEOUT_MS, 10 * forwardMs));
  }

  /**
   * The settings with the record limit lowered to what the output topics accept, when their
   * configuration can be read.
   */
  private InferenceSettings outputLimited(InferenceSettings s) {
    var topics = List.of(s.topics().predictions(), s.topics().deadLetters());
    try (Admin admin = Admin.create(config.clientConfig())) {
      OptionalInt topicMax = TopicAdmin.maxMessageBytes(admin, topics);
      if (topicMax.isPresent()
          && topicMax.getAsInt() - AppConfig.RECORD_OVERHEAD_BYTES < s.maxRecordBytes()) {
        return s.withMaxRecordBytes(topicMax.getAsInt() - AppConfig.RECORD_OVERHEAD_BYTES);
      }
    }
    return s;
  }

  /**
   * Why the app stopped by itself, in one line, if it did: the error that shut Kafka Streams down,
   * or a state in which it no longer processes.
   */
  public Optional<String> failure() {
    return failure.reason(streams);
  }

  /**
   * Returns while Kafka Streams has not stopped by itself.
   *
   * @throws IllegalStateException with {@link #failure()} as its message and the error that stopped
   *     Streams as its cause (e.g. a failed login)
   */
  public void throwIfFailed() {
    failure.throwIfFailed(streams);
  }

  /** The Streams state, or NOT_RUNNING before start. */
  public KafkaStreams.State state() {
    return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
  }

  /**
   * Stops processing and leaves the group. Buffered images stay in the buffer's changelog, and the
   * next instance with this application id processes them.
   */
  @Override
  public synchronized void close() {
    if (listener != null) {
      listener.close();
      listener = null;
    }
    if (streams != null) {
      streams.close(
          CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
              .withTimeout(Duration.ofSeconds(30)));
      streams = null;
    }
    if (streamsMetrics != null) {
      streamsMetrics.close();
      streamsMetrics = null;
    }
  }
}
