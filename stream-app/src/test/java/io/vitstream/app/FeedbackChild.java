package io.vitstream.app;

import io.vitstream.dataset.FashionMnist;
import io.vitstream.feedback.RollbackPolicy;
import io.vitstream.feedback.TriggerPolicy;
import io.vitstream.topology.DeadLetters;
import io.vitstream.topology.FeedbackSettings;
import io.vitstream.topology.FeedbackTopology;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The feedback topology alone in a JVM of its own, for tests that kill it: {@code <bootstrap>
 * <application id> <state dir> <commit interval ms>}.
 */
public final class FeedbackChild {
  public static final int WINDOW = 10;

  private FeedbackChild() {}

  public static AppConfig config(String bootstrap, String appId, String stateDir) {
    return AppConfig.load(
        Optional.empty(),
        Map.of(
            ConfigKeys.BOOTSTRAP_SERVERS.name(),
            bootstrap,
            ConfigKeys.APPLICATION_ID.name(),
            appId,
            "state.dir",
            stateDir));
  }

  public static FeedbackSettings settings(AppConfig c) {
    return new FeedbackSettings(
        c.inference().topics(),
        FashionMnist.LABELS,
        28,
        1,
        Duration.ofMinutes(10),
        0.3,
        1000,
        Duration.ofDays(1),
        3,
        new TriggerPolicy(1000, Duration.ofHours(1), 0.5, 1),
        new RollbackPolicy(0.1, WINDOW),
        WINDOW,
        1 << 20,
        DeadLetters.DEFAULT_MAX_VALUE_BYTES);
  }

  public static void main(String[] args) throws InterruptedException {
    AppConfig c = config(args[0], args[1], args[2]);
    FeedbackSettings settings = settings(c);
    var props = FeedbackService.streamsProperties(c, settings);
    int commitMs = Integer.parseInt(args[3]);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMs);
    props.put(
        StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        Math.max(10_000, commitMs + 10_000));
    KafkaStreams streams =
        new KafkaStreams(FeedbackTopology.buildFeedbackTopology(settings, 1), props);
    streams.start();
    new CountDownLatch(1).await(); // until killed
  }
}
