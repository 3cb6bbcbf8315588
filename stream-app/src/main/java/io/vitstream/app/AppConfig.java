package io.vitstream.app;

import io.vitstream.batching.BatchPolicy;
import io.vitstream.feedback.GatePolicy;
import io.vitstream.feedback.RollbackPolicy;
import io.vitstream.feedback.TriggerPolicy;
import io.vitstream.kafka.TopicNames;
import io.vitstream.topology.InferenceSettings;
import io.vitstream.training.OptimizerKind;
import io.vitstream.vit.Precision;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The app's configuration, frozen: {@link ConfigKeys} defaults, overridden by a properties file,
 * overridden by command-line flags.
 *
 * @param bootstrapServers Kafka brokers
 * @param applicationId Streams application id
 * @param processingGuarantee exactly_once_v2 or at_least_once
 * @param streamThreads Streams threads
 * @param intraOpThreads PyTorch intra-op threads (resolved: never 0)
 * @param inference the topology's settings
 * @param topicPartitions partitions of topics the app creates
 * @param createTopics whether missing topics are created at startup
 * @param model the model to serve
 * @param feedback the feedback loop's settings
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
    ModelSettings model,
    FeedbackConfig feedback,
    Map<String, String> clientProperties) {

  /** Room in a produced record for its key, headers and framing, besides the value. */
  static final int RECORD_OVERHEAD_BYTES = 16_384;

  public AppConfig {
    if (!processingGuarantee.equals("exactly_once_v2")
        && !processingGuarantee.equals("at_least_once")) {
      throw new IllegalArgumentException(
          "processing.guarantee must be exactly_once_v2 or at_least_once, got "
              + processingGuarantee);
    }
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
   * Loads the configuration.
   *
   * @param file a properties file, if any
   * @param overrides values from flags, winning over the file
   * @throws IllegalArgumentException naming the key of a bad value
   */
  public static AppConfig load(Optional<Path> file, Map<String, String> overrides) {
    Map<String, String> values = new TreeMap<>();
    ConfigKeys.ALL.forEach(k -> values.put(k.name(), k.defaultValue()));
    file.ifPresent(f -> values.putAll(read(f)));
    values.putAll(overrides);
    return freeze(values);
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

  private static AppConfig freeze(Map<String, String> v) {
    Map<String, String> clients = new HashMap<>(v);
    ConfigKeys.ALL.forEach(k -> clients.remove(k.name()));
    int threads = integer(v, ConfigKeys.STREAM_THREADS);
    int intraOp = integer(v, ConfigKeys.INTRA_OP_THREADS);
    if (intraOp == 0) {
      // One core stays with Kafka's own threads (network, producer, commits); the stream thread
      // itself is the first intra-op thread. Measured in the demo on 2 cores: 1 intra-op thread
      // gave 2.2x the end-to-end throughput of 2.
      intraOp = Math.max(1, (Runtime.getRuntime().availableProcessors() - 1) / threads);
    }
    var topics =
        new TopicNames(
            v.get(ConfigKeys.TOPIC_IMAGES.name()),
            v.get(ConfigKeys.TOPIC_PREDICTIONS.name()),
            v.get(ConfigKeys.TOPIC_FEEDBACK.name()),
            v.get(ConfigKeys.TOPIC_MODEL_VERSIONS.name()),
            v.get(ConfigKeys.TOPIC_DEAD_LETTERS.name()));
    var batch =
        BatchPolicy.of(
            integer(v, ConfigKeys.MAX_BATCH_SIZE),
            Duration.ofMillis(integer(v, ConfigKeys.MAX_BATCH_DELAY_MS)));
    int maxImageBytes = integer(v, ConfigKeys.MAX_IMAGE_BYTES);
    var inference =
        new InferenceSettings(
            topics,
            batch,
            maxImageBytes,
            integer(v, ConfigKeys.MAX_IMAGE_SIDE),
            integer(v, ConfigKeys.TOP_K),
            maxRequestSize(v, maxImageBytes) - RECORD_OVERHEAD_BYTES,
            integer(v, ConfigKeys.DEAD_LETTER_VALUE_MAX_BYTES));
    String checkpoint = v.get(ConfigKeys.MODEL_CHECKPOINT.name());
    var model =
        new ModelSettings(
            checkpoint.isBlank() ? Optional.empty() : Optional.of(Path.of(checkpoint)),
            v.get(ConfigKeys.MODEL_NAME.name()),
            integer(v, ConfigKeys.MODEL_VERSION),
            v.get(ConfigKeys.MODEL_DEVICE.name()),
            Precision.parse(v.get(ConfigKeys.MODEL_PRECISION.name())),
            floats(v, ConfigKeys.MODEL_MEAN),
            floats(v, ConfigKeys.MODEL_STD));
    return new AppConfig(
        v.get(ConfigKeys.BOOTSTRAP_SERVERS.name()),
        v.get(ConfigKeys.APPLICATION_ID.name()),
        v.get(ConfigKeys.PROCESSING_GUARANTEE.name()),
        threads,
        intraOp,
        inference,
        integer(v, ConfigKeys.TOPIC_PARTITIONS),
        Boolean.parseBoolean(v.get(ConfigKeys.TOPIC_CREATE.name())),
        model,
        feedback(v),
        clients);
  }

  /**
   * The Streams producer's {@code max.request.size}: the user's, or room for the largest accepted
   * image plus 1 MiB.
   */
  private static int maxRequestSize(Map<String, String> v, int maxImageBytes) {
    String own =
        v.getOrDefault(
            "producer." + ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            v.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    if (own == null) {
      return maxImageBytes + (1 << 20);
    }
    try {
      return Integer.parseInt(own.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("max.request.size must be an integer, got '" + own + "'");
    }
  }

  private static FeedbackConfig feedback(Map<String, String> v) {
    return new FeedbackConfig(
        Boolean.parseBoolean(v.get(ConfigKeys.FEEDBACK_ENABLED.name())),
        new TriggerPolicy(
            integer(v, ConfigKeys.TRIGGER_LABELS),
            Duration.ofSeconds(integer(v, ConfigKeys.TRIGGER_INTERVAL_S)),
            number(v, ConfigKeys.TRIGGER_ACCURACY_DROP),
            integer(v, ConfigKeys.TRIGGER_MIN_LABELS)),
        number(v, ConfigKeys.HOLDOUT_FRACTION),
        integer(v, ConfigKeys.REPLAY_PER_CLASS),
        integer(v, ConfigKeys.LIVE_WINDOW),
        Duration.ofSeconds(integer(v, ConfigKeys.IMAGE_RETENTION_S)),
        new GatePolicy(
            number(v, ConfigKeys.GATE_MARGIN),
            number(v, ConfigKeys.GATE_TOLERANCE),
            integer(v, ConfigKeys.GATE_MIN_HOLDOUT)),
        new RollbackPolicy(
            number(v, ConfigKeys.ROLLBACK_DROP), integer(v, ConfigKeys.ROLLBACK_MIN_LABELS)),
        optimizer(v),
        integer(v, ConfigKeys.FINETUNE_REHEARSAL),
        number(v, ConfigKeys.FINETUNE_DISTILL),
        integer(v, ConfigKeys.FINETUNE_EPOCHS),
        (float) number(v, ConfigKeys.FINETUNE_LEARNING_RATE),
        integer(v, ConfigKeys.FINETUNE_BATCH_SIZE),
        Duration.ofSeconds(integer(v, ConfigKeys.FINETUNE_TIME_LIMIT_S)));
  }

  private static OptimizerKind optimizer(Map<String, String> v) {
    try {
      return OptimizerKind.parse(v.get(ConfigKeys.FINETUNE_OPTIMIZER.name()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          ConfigKeys.FINETUNE_OPTIMIZER.name() + ": " + e.getMessage(), e);
    }
  }

  private static double number(Map<String, String> v, ConfigKey key) {
    try {
      return Double.parseDouble(v.get(key.name()).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key.name() + " must be a number, got '" + v.get(key.name()) + "'");
    }
  }

  private static int integer(Map<String, String> v, ConfigKey key) {
    try {
      return Integer.parseInt(v.get(key.name()).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key.name() + " must be an integer, got '" + v.get(key.name()) + "'");
    }
  }

  private static List<Float> floats(Map<String, String> v, ConfigKey key) {
    try {
      return Arrays.stream(v.get(key.name()).split(","))
          .map(s -> Float.parseFloat(s.trim()))
          .toList();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key.name() + " must be comma-separated numbers, got '" + v.get(key.name()) + "'");
    }
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
        model,
        feedback,
        properties);
  }

  /** The settings for any Kafka client: brokers plus every pass-through key. */
  public Map<String, Object> clientConfig() {
    Map<String, Object> m = new HashMap<>(clientProperties);
    m.put("bootstrap.servers", bootstrapServers);
    return m;
  }
}
