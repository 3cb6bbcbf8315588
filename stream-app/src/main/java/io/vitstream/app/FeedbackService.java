package io.vitstream.app;

import io.vitstream.feedback.FineTuneJob;
import io.vitstream.feedback.FineTuneRequest;
import io.vitstream.feedback.LiveFeedback;
import io.vitstream.kafka.TopicAdmin;
import io.vitstream.topology.FeedbackSettings;
import io.vitstream.topology.FeedbackTopology;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the feedback topology as its own Streams application ({@code <application.id>-feedback}),
 * handing each triggered request to the fine-tuning job, which runs off the stream threads. The job
 * is the caller's: close it after this service.
 */
public final class FeedbackService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FeedbackService.class);

  private final AppConfig config;
  private final FeedbackSettings settings;
  private final FineTuneJob job;
  private final LiveFeedback live;
  private KafkaStreams streams;
  private final StreamsFailure failure = new StreamsFailure("feedback loop");

  /** Fine-tunes on feedback; live accuracy is not watched. */
  public FeedbackService(AppConfig config, FeedbackSettings settings, FineTuneJob job) {
    this(config, settings, job, LiveFeedback.NONE);
  }

  /**
   * Fine-tunes on feedback and tells {@code live} (e.g. a {@code RollbackGuard}) whether each
   * labelled prediction was right.
   */
  public FeedbackService(
      AppConfig config, FeedbackSettings settings, FineTuneJob job, LiveFeedback live) {
    this.config = config;
    this.settings = settings;
    this.job = job;
    this.live = live;
  }

  /** The Streams configuration: the inference app's, under its own application id. */
  static Properties streamsProperties(AppConfig c) {
    Properties p = InferenceService.streamsProperties(c);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, c.applicationId() + "-feedback");
    p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    p.putAll(c.clientProperties()); // the user's own group.instance.id, if any
    StaticMembership.apply(p);
    p.put(StreamsConfig.POLL_MS_CONFIG, 100);
    return p;
  }

  /** Creates missing topics and starts; returns without waiting. */
  public synchronized void start() {
    if (streams != null) {
      throw new IllegalStateException("already started");
    }
    if (config.createTopics()) {
      try (Admin admin = Admin.create(config.clientConfig())) {
        TopicAdmin.createMissing(admin, settings.topics(), config.topicPartitions());
      }
    }
    streams =
        new KafkaStreams(
            FeedbackTopology.buildFeedbackTopology(settings, this::fineTune, live),
            streamsProperties(config));
    streams.setUncaughtExceptionHandler(failure);
    streams.start();
  }

  private void fineTune(FineTuneRequest request) {
    LOG.info(
        "fine-tuning on {} fresh + {} replay, holdout {}: {}",
        request.fresh().count(),
        request.replay().count(),
        request.holdout().count(),
        request.feedback());
    job.submit(request)
        .exceptionally(
            e -> {
              LOG.warn("fine-tune run failed: {}", e.toString());
              return null;
            });
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

  @Override
  public synchronized void close() {
    if (streams != null) {
      streams.close(
          CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
              .withTimeout(Duration.ofSeconds(30)));
      streams = null;
    }
  }
}
