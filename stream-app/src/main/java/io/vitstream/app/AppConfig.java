package io.vitstream.app;

import io.vitstream.artifact.ArtifactSettings;
import io.vitstream.batching.BatchPolicy;
import io.vitstream.feedback.GatePolicy;
import io.vitstream.feedback.RollbackPolicy;
import io.vitstream.feedback.TriggerPolicy;
import io.vitstream.kafka.TopicNames;
import io.vitstream.topology.InferenceSettings;
import io.vitstream.training.OptimizerKind;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The app's configuration, frozen: {@link ConfigKeys} defaults, overridden by a properties file,
 * overridden by command-line flags, and checked as a whole before anything starts.
 *
 * @param bootstrapServers Kafka brokers
 * @param applicationId Streams application id
 * @param processingGuarantee exactly_once_v2 or at_least_once
 * @param streamThreads Streams threads
 * @param intraOpThreads PyTorch intra-op threads (resolved: never 0)
 * @param inference the topology's settings
 * @param topicPartitions partitions of topics the app creates
 * @param createTopics whether missing topics are created at startup
 * @param brokerWait how long {@code vitstream run} waits for a broker; zero = forever
 * @param metricsPort port of the Prometheus endpoint; 0 = a free port
 * @param model the model to serve
 * @param feedback the feedback loop's settings
 * @param artifacts how model versions travel through Kafka
 * @param clientProperties every other key of the file, for the Kafka clients
 */
public record AppConfig(
    String bootstrapServers,
    String applicationId,
    String processingGuarantee,
    int streamThreads,
    int intraOpThreads,
    InferenceSettings inference,
    int topicPartitions,
    boolean createTopics,
    Duration brokerWait,
    int metricsPort,
    ModelSettings model,
    FeedbackConfig feedback,
    ArtifactSettings artifacts,
    Map<String, String> clientProperties) {

  /** Room in a produced record for its key, headers and framing, besides the value. */
  static final int RECORD_OVERHEAD_BYTES = 16_384;

  public AppConfig {
    if (streamThreads < 1 || intraOpThreads < 1 || topicPartitions < 1) {
      throw new IllegalArgumentException("thread and partition counts must be >= 1");
    }
    clientProperties = Map.copyOf(clientProperties);
  }

  /** The defaults alone. */
  public static AppConfig defaults() {
    return load(Optional.empty(), Map.of());
  }

  /**
   * Loads and checks the configuration.
   *
   * @param file a properties file, if any
   * @param overrides values from flags, winning over the file
   * @throws ConfigException listing every bad value and unknown key, one line each
   */
  public static AppConfig load(Optional<Path> file, Map<String, String> overrides) {
    return load(Map.of(), file, overrides);
  }

  /**
   * Loads and checks the configuration, with a command's own defaults in place of some keys'.
   *
   * @param commandDefaults values that win over {@link ConfigKeys} defaults but lose to the file
   *     and the flags (e.g. the demo's free metrics port)
   * @throws ConfigException listing every bad value and unknown key, one line each
   */
  public static AppConfig load(
      Map<String, String> commandDefaults, Optional<Path> file, Map<String, String> overrides) {
    Map<String, String> values = new TreeMap<>();
    ConfigKeys.ALL.forEach(k -> values.put(k.name(), k.defaultValue()));
    values.putAll(commandDefaults);
    file.ifPresent(f -> values.putAll(read(f)));
    values.putAll(overrides);
    return freeze(ConfigValues.check(values));
  }

  private static Map<String, String> read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read config file " + file, e);
    }
    Map<String, String> m = new HashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
    return m;
  }

  private static AppConfig freeze(ConfigValues v) {
    int threads = v.integer(ConfigKeys.STREAM_THREADS);
    int intraOp = v.integer(ConfigKeys.INTRA_OP_THREADS);
    if (intraOp == 0) {
      // One core stays with Kafka's own threads (network, producer, commits); the stream thread
      // itself is the first intra-op thread. Measured in the demo on 2 cores: 1 intra-op thread
      // gave 2.2x the end-to-end throughput of 2.
      intraOp = Math.max(1, (Runtime.getRuntime().availableProcessors() - 1) / threads);
    }
    var topics =
        new TopicNames(
            v.string(ConfigKeys.TOPIC_IMAGES),
            v.string(ConfigKeys.TOPIC_PREDICTIONS),
            v.string(ConfigKeys.TOPIC_FEEDBACK),
            v.string(ConfigKeys.TOPIC_MODEL_VERSIONS),
            v.string(ConfigKeys.TOPIC_DEAD_LETTERS),
            v.string(ConfigKeys.TOPIC_MODEL_ARTIFACTS));
    var batch =
        BatchPolicy.of(
                v.integer(ConfigKeys.MAX_BATCH_SIZE),
                Duration.ofMillis(v.integer(ConfigKeys.MAX_BATCH_DELAY_MS)))
            .withMaxInFlight(v.integer(ConfigKeys.BATCHES_IN_FLIGHT));
    int maxImageBytes = v.integer(ConfigKeys.MAX_IMAGE_BYTES);
    var inference =
        new InferenceSettings(
            topics,
            batch,
            maxImageBytes,
            v.integer(ConfigKeys.MAX_IMAGE_SIDE),
            v.integer(ConfigKeys.TOP_K),
            maxRequestSize(v.clients(), maxImageBytes) - RECORD_OVERHEAD_BYTES,
            v.integer(ConfigKeys.DEAD_LETTER_VALUE_MAX_BYTES));
    String checkpoint = v.string(ConfigKeys.MODEL_CHECKPOINT);
    var model =
        new ModelSettings(
            checkpoint.isBlank() ? Optional.empty() : Optional.of(Path.of(checkpoint)),
            v.string(ConfigKeys.MODEL_NAME),
            v.integer(ConfigKeys.MODEL_VERSION),
            v.string(ConfigKeys.MODEL_DEVICE),
            v.precision(),
            v.floats(ConfigKeys.MODEL_MEAN),
            v.floats(ConfigKeys.MODEL_STD));
    return new AppConfig(
        v.string(ConfigKeys.BOOTSTRAP_SERVERS),
        v.string(ConfigKeys.APPLICATION_ID),
        v.string(ConfigKeys.PROCESSING_GUARANTEE).toLowerCase(Locale.ROOT),
        threads,
        intraOp,
        inference,
        v.integer(ConfigKeys.TOPIC_PARTITIONS),
        v.bool(ConfigKeys.TOPIC_CREATE),
        Duration.ofSeconds(v.integer(ConfigKeys.BROKER_WAIT_S)),
        v.integer(ConfigKeys.METRICS_PORT),
        model,
        feedback(v),
        new ArtifactSettings(
            topics.modelArtifacts(),
            v.integer(ConfigKeys.ARTIFACT_CHUNK_BYTES),
            Duration.ofSeconds(v.integer(ConfigKeys.ARTIFACT_WAIT_S))),
        v.clients());
  }

  /**
   * The Streams producer's {@code max.request.size}: the user's, or room for the largest accepted
   * image plus 1 MiB.
   */
  private static int maxRequestSize(Map<String, String> clients, int maxImageBytes) {
    String own =
        clients.getOrDefault(
            "producer." + ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            clients.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    if (own == null) {
      return maxImageBytes + (1 << 20);
    }
    try {
      return Integer.parseInt(own.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(List.of("max.request.size=" + own + ": must be an integer"));
    }
  }

  private static FeedbackConfig feedback(ConfigValues v) {
    return new FeedbackConfig(
        v.bool(FeedbackKeys.FEEDBACK_ENABLED),
        new TriggerPolicy(
            v.integer(FeedbackKeys.TRIGGER_LABELS),
            Duration.ofSeconds(v.integer(FeedbackKeys.TRIGGER_INTERVAL_S)),
            v.number(FeedbackKeys.TRIGGER_ACCURACY_DROP),
            v.integer(FeedbackKeys.TRIGGER_MIN_LABELS),
            v.integer(FeedbackKeys.TRIGGER_MIN_HOLDOUT_MISSES)),
        v.number(FeedbackKeys.HOLDOUT_FRACTION),
        v.integer(FeedbackKeys.HOLDOUT_MAX_COUNT),
        Duration.ofSeconds(v.integer(FeedbackKeys.HOLDOUT_MAX_AGE_S)),
        v.integer(FeedbackKeys.REPLAY_PER_CLASS),
        v.integer(FeedbackKeys.LIVE_WINDOW),
        Duration.ofSeconds(v.integer(FeedbackKeys.IMAGE_RETENTION_S)),
        regressionSource(v.string(FeedbackKeys.REGRESSION_SOURCE)),
        new GatePolicy(
            v.number(FeedbackKeys.GATE_MARGIN),
            v.number(FeedbackKeys.GATE_TOLERANCE),
            v.integer(FeedbackKeys.GATE_MIN_HOLDOUT),
            v.number(FeedbackKeys.GATE_ALPHA)),
        new RollbackPolicy(
            v.number(FeedbackKeys.ROLLBACK_DROP), v.integer(FeedbackKeys.ROLLBACK_MIN_LABELS)),
        OptimizerKind.parse(v.string(FeedbackKeys.FINETUNE_OPTIMIZER)),
        v.integer(FeedbackKeys.FINETUNE_REHEARSAL),
        v.number(FeedbackKeys.FINETUNE_DISTILL),
        v.integer(FeedbackKeys.FINETUNE_EPOCHS),
        (float) v.number(FeedbackKeys.FINETUNE_LEARNING_RATE),
        v.integer(FeedbackKeys.FINETUNE_BATCH_SIZE),
        Duration.ofSeconds(v.integer(FeedbackKeys.FINETUNE_TIME_LIMIT_S)),
        new AdapterSettings(
            v.string(FeedbackKeys.FINETUNE_METHOD).equals("adapter"),
            v.integer(FeedbackKeys.ADAPTERS_MAX),
            v.integer(FeedbackKeys.ADAPTER_EPOCHS),
            (float) v.number(FeedbackKeys.ADAPTER_LEARNING_RATE),
            v.integer(FeedbackKeys.ROUTER_ORIGINALS),
            v.bool(FeedbackKeys.WARM_AHEAD)));
  }

  private static Optional<RegressionSource> regressionSource(String text) {
    return text.isBlank() ? Optional.empty() : Optional.of(RegressionSource.parse(text));
  }

  /** A copy pointing at other brokers. */
  public AppConfig withBootstrapServers(String servers) {
    return copy(servers, clientProperties);
  }

  /** A copy with one more client property (e.g. state.dir). */
  public AppConfig withClientProperty(String key, String value) {
    Map<String, String> m = new HashMap<>(clientProperties);
    m.put(key, value);
    return copy(bootstrapServers, m);
  }

  private AppConfig copy(String servers, Map<String, String> properties) {
    return new AppConfig(
        servers,
        applicationId,
        processingGuarantee,
        streamThreads,
        intraOpThreads,
        inference,
        topicPartitions,
        createTopics,
        brokerWait,
        metricsPort,
        model,
        feedback,
        artifacts,
        properties);
  }

  /** The settings for any Kafka client: brokers plus every pass-through key. */
  public Map<String, Object> clientConfig() {
    Map<String, Object> m = new HashMap<>(clientProperties);
    m.put("bootstrap.servers", bootstrapServers);
    return m;
  }
}
