package io.vitstream.app;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.vitstream.feedback.FineTuneWorker;
import io.vitstream.feedback.FineTuner;
import io.vitstream.kafka.TopicAdmin;
import io.vitstream.metrics.Metrics;
import io.vitstream.topology.FeedbackSettings;
import io.vitstream.topology.FeedbackTopology;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs the feedback topology as its own Streams application ({@code <application.id>-feedback}) and
 * the {@link FineTuneWorker} that hands its fine-tuning requests to the job, off the stream
 * threads. The feedback and request topics must have exactly one partition (one trainer); start
 * refuses them otherwise. The job is the caller's: close it after this service.
 */
public final class FeedbackService implements AutoCloseable {
  private final AppConfig config;
  private final FeedbackSettings settings;
  private final FineTuner job;
  private final Metrics metrics;
  private KafkaStreams streams;
  private KafkaStreamsMetrics streamsMetrics;
  private FineTuneWorker worker;
  private final StreamsFailure failure = new StreamsFailure("feedback loop");

  public FeedbackService(AppConfig config, FeedbackSettings settings, FineTuner job) {
    this(config, settings, job, Metrics.noop());
  }

  /** As above, with live accuracy and Kafka Streams' metrics in {@code metrics}. */
  public FeedbackService(
      AppConfig config, FeedbackSettings settings, FineTuner job, Metrics metrics) {
    this.metrics = metrics;
    this.config = config;
    this.settings = settings;
    this.job = job;
  }

  /** The Streams configuration: the inference app's, under its own application id. */
  /**
   * How often the loop commits under exactly-once: Streams' default, where inference commits every
   * {@value InferenceService#COMMIT_INTERVAL_MS} ms. Nothing it writes waits on a reader in
   * milliseconds (a fine-tune request, a rollback), and each of its transactions spans about ten
   * partitions (its stores' changelogs, the topic that spreads feedback), each marked at the
   * commit: in the drift demo the broker's threads took 40 % of a core.
   */
  static final int COMMIT_INTERVAL_MS = 100;

  static Properties streamsProperties(AppConfig c, FeedbackSettings settings) {
    Properties p = InferenceService.streamsProperties(c);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, c.applicationId() + "-feedback");
    p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    p.putAll(c.clientProperties()); // the user's own group.instance.id, if any
    StaticMembership.apply(p);
    p.put(StreamsConfig.POLL_MS_CONFIG, 100);
    if (c.processingGuarantee().equals(StreamsConfig.EXACTLY_ONCE_V2)
        && !c.clientProperties().containsKey(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)) {
      p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
    }
    int request = settings.maxRequestBytes();
    Object configured = p.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    if (configured == null || Integer.parseInt(configured.toString()) < request) {
      p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), request);
    }
    return p;
  }

  /**
   * Creates missing topics, refuses a feedback or request topic of more than one partition, and
   * starts; returns without waiting.
   *
   * @throws IllegalStateException when a topic has the wrong number of partitions
   */
  public synchronized void start() {
    if (streams != null) {
      throw new IllegalStateException("already started");
    }
    var topics = settings.topics();
    int imagePartitions;
    try (Admin admin = Admin.create(config.clientConfig())) {
      if (config.createTopics()) {
        TopicAdmin.createMissing(admin, topics, config.topicPartitions());
        TopicAdmin.createSinglePartition(
            admin,
            settings.requestsTopic(),
            Map.of(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                String.valueOf(settings.maxRequestBytes() + (1 << 16))));
      }
      String why = "one task holds the holdout, the reservoir and the trigger";
      TopicAdmin.requireSinglePartition(admin, topics.feedback(), why);
      TopicAdmin.requireSinglePartition(admin, settings.requestsTopic(), why);
      imagePartitions = TopicAdmin.partitions(admin, topics.images());
      int predictionPartitions = TopicAdmin.partitions(admin, topics.predictions());
      if (predictionPartitions != imagePartitions) {
        throw new IllegalStateException(
            "topics "
                + topics.images()
                + " and "
                + topics.predictions()
                + " have "
                + imagePartitions
                + " and "
                + predictionPartitions
                + " partitions; the feedback loop joins them by image id and needs as many");
      }
    }
    streams =
        new KafkaStreams(
            FeedbackTopology.buildFeedbackTopology(settings, imagePartitions, metrics),
            streamsProperties(config, settings));
    streams.setUncaughtExceptionHandler(failure);
    streamsMetrics = metrics.bind(streams);
    streams.start();
    worker =
        new FineTuneWorker(
            config.clientConfig(),
            config.applicationId() + "-finetune",
            settings.requestsTopic(),
            topics.modelVersions(),
            job);
    worker.start();
  }

  /** Fine-tuning runs started so far. */
  public long fineTuneRuns() {
    return worker == null ? 0 : worker.runs();
  }

  /** Why the loop stopped by itself, in one line, if it did. */
  public Optional<String> failure() {
    return failure.reason(streams);
  }

  /**
   * Returns while the loop's Kafka Streams has not stopped by itself.
   *
   * @throws IllegalStateException saying why, with the error that stopped it as its cause
   */
  public void throwIfFailed() {
    failure.throwIfFailed(streams);
  }

  /** The Streams state, or NOT_RUNNING before start. */
  public KafkaStreams.State state() {
    return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
  }

  /** The running Streams, for interactive queries of the loop's stores. */
  public Optional<KafkaStreams> streams() {
    return Optional.ofNullable(streams);
  }

  @Override
  public synchronized void close() {
    if (worker != null) {
      worker.close();
      worker = null;
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
