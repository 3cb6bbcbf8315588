package io.vitstream.app;

import io.vitstream.inference.BatchClassifier;
import io.vitstream.inference.BatchShapes;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ModelVersionListener;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.TopicAdmin;
import io.vitstream.runtime.Djl;
import io.vitstream.store.ModelStore;
import io.vitstream.topology.DeadLetterDeserializationHandler;
import io.vitstream.topology.InferenceTopology;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
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
 * ModelVersionListener}).
 */
public final class InferenceService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);

  /**
   * Producer transaction timeout: a transaction spans at least one batch's forward pass, and
   * Streams' 10 s default under exactly-once is tight for a large model on a busy CPU.
   */
  static final int TRANSACTION_TIMEOUT_MS = 60_000;

  /** Time between polls: covers the forward passes of one poll's records (500 by default). */
  static final int MAX_POLL_INTERVAL_MS = 300_000;

  private final AppConfig config;
  private final ModelSlot<ServingModel> slot;
  private final Optional<ModelStore> store;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private KafkaStreams streams;
  private ModelVersionListener listener;

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
    this.config = config;
    this.slot = slot;
    this.store = store;
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
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterDeserializationHandler.class.getName());
    p.put(
        StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
        c.inference().topics().deadLetters());
    // the default 16 KB batches cap multi-KB records at a few thousand per second
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 262_144);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        c.inference().maxImageBytes() + (1 << 20));
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        TRANSACTION_TIMEOUT_MS);
    p.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
        MAX_POLL_INTERVAL_MS);
    p.putAll(c.clientProperties());
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
        if (!created.isEmpty()) {
          LOG.info("created topics {}", created);
        }
      }
    }
    Djl.setIntraOpThreads(config.intraOpThreads());
    var shapes = new BatchShapes(config.inference().batch().maxBatchSize());
    new BatchClassifier(shapes, 1).warmUp(slot.peek());
    if (store.isPresent()) {
      listener =
          new ModelVersionListener(
              store.get(),
              slot,
              shapes,
              config.clientConfig(),
              config.inference().topics().modelVersions());
      listener.start();
    }
    Topology topology = InferenceTopology.buildInferenceTopology(config.inference(), slot);
    streams = new KafkaStreams(topology, streamsProperties(config));
    streams.setUncaughtExceptionHandler(
        e -> {
          // kept for throwIfFailed: a failed login, for one, ends the client here and nowhere else
          // (Streams logs it with its stack trace)
          failure.compareAndSet(null, e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
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
   * Returns while Kafka Streams has not failed.
   *
   * @throws IllegalStateException naming the error that stopped it, with that error as the cause
   */
  public void throwIfFailed() {
    Throwable e = failure.get();
    if (e != null) {
      Throwable root = e.getCause() != null ? e.getCause() : e; // unwraps StreamsException
      throw new IllegalStateException("Kafka Streams stopped: " + root.getMessage(), e);
    }
    if (state() == KafkaStreams.State.ERROR) {
      throw new IllegalStateException("Kafka Streams stopped: ERROR");
    }
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
  }
}
