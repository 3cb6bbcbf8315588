package io.vitstream.dashboard;

import io.vitstream.app.AppConfig;
import io.vitstream.avro.ClassScore;
import io.vitstream.avro.DeadLetter;
import io.vitstream.avro.ModelVersion;
import io.vitstream.avro.Prediction;
import io.vitstream.publish.SourceImage;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link DashboardState} from the broker: one read_committed consumer, assigned (no group)
 * to the predictions, model-versions and dead-letters topics from the beginning, on its own thread.
 * The demo's images give the true labels, the drift point and the thumbnails. Closing catches up
 * with what is committed (for a few seconds at most), then stops.
 */
public final class DashboardFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardFeed.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long DRAIN_MS = 3_000;
  private static final int THUMBNAILS_PER_POLL = 12;

  private final DashboardState state;
  private final List<SourceImage> images;
  private final int driftAt;
  private final Map<String, Integer> indexOf = new HashMap<>();
  private final String predictions;
  private final String versions;
  private final String deadLetters;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile long stopAtMs = Long.MAX_VALUE;
  private boolean drifted;

  private DashboardFeed(AppConfig c, DashboardState state, List<SourceImage> images, int driftAt) {
    this.state = state;
    this.images = images;
    this.driftAt = driftAt;
    for (int i = 0; i < images.size(); i++) {
      indexOf.put(images.get(i).id(), i);
    }
    var topics = c.inference().topics();
    this.predictions = topics.predictions();
    this.versions = topics.modelVersions();
    this.deadLetters = topics.deadLetters();
    Map<String, Object> cfg = new HashMap<>(c.clientConfig());
    cfg.put(ConsumerConfig.GROUP_ID_CONFIG, "vitstream-dashboard-" + UUID.randomUUID());
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "dashboard-feed");
    this.thread.setDaemon(true);
  }

  /**
   * Starts reading; the topics must exist.
   *
   * @param images what the demo publishes, by index
   * @param driftAt index of the first drifted image ({@code images.size()} for none)
   */
  public static DashboardFeed start(
      AppConfig c, DashboardState state, List<SourceImage> images, int driftAt) {
    DashboardFeed feed = new DashboardFeed(c, state, images, driftAt);
    try {
      List<TopicPartition> all = new ArrayList<>();
      for (String topic : List.of(feed.predictions, feed.versions, feed.deadLetters)) {
        addPartitions(feed.consumer, topic, all);
      }
      feed.consumer.assign(all);
      feed.consumer.seekToBeginning(all);
    } catch (RuntimeException e) {
      feed.consumer.close();
      throw e;
    }
    feed.thread.start();
    return feed;
  }

  private static void addPartitions(
      KafkaConsumer<String, byte[]> consumer, String topic, List<TopicPartition> into) {
    consumer.partitionsFor(topic).forEach(p -> into.add(new TopicPartition(topic, p.partition())));
  }

  private void run() {
    var predictionSerde = new SingleObjectAvroSerde<>(Prediction.class);
    var versionSerde = new SingleObjectAvroSerde<>(ModelVersion.class);
    var deadLetterSerde = new SingleObjectAvroSerde<>(DeadLetter.class);
    try (consumer) {
      while (true) {
        List<SeenPrediction> seen = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          try {
            if (r.topic().equals(predictions)) {
              seen.add(prediction(predictionSerde.decode(r.value()), now));
            } else if (r.topic().equals(versions)) {
              state.onMarker(Markers.of(versionSerde.decode(r.value())));
            } else {
              DeadLetter d = deadLetterSerde.decode(r.value());
              state.onDeadLetter(d.getStage() + ": " + d.getReason());
            }
          } catch (RuntimeException e) { // one unreadable record does not stop the dashboard
            LOG.warn("dashboard skips a record of {}: {}", r.topic(), e.toString());
          }
        }
        seen.forEach(state::onPrediction);
        thumbnails(seen);
        if (System.currentTimeMillis() >= stopAtMs && (caughtUp() || pastDrain())) {
          return;
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("dashboard feed stopped: {}", e.toString());
    }
  }

  private SeenPrediction prediction(Prediction p, long receivedAtMs) {
    Integer index = indexOf.get(p.getImageId());
    if (index != null && index >= driftAt && !drifted) {
      drifted = true;
      state.onMarker(new Snapshot.Marker(receivedAtMs, "drift", 0, "drift: image " + index));
    }
    List<Score> top = new ArrayList<>();
    for (ClassScore s : p.getTopK()) {
      top.add(new Score(s.getLabel(), s.getIndex(), s.getScore()));
    }
    return new SeenPrediction(
        p.getImageId(),
        p.getModelVersion(),
        top,
        p.getBatchSize(),
        p.getEventTime().toEpochMilli(),
        receivedAtMs,
        index == null ? Optional.empty() : images.get(index).label());
  }

  private void thumbnails(List<SeenPrediction> seen) {
    for (SeenPrediction p :
        seen.subList(Math.max(0, seen.size() - THUMBNAILS_PER_POLL), seen.size())) {
      Integer index = indexOf.get(p.imageId());
      if (index == null) {
        continue;
      }
      try {
        state.onThumbnail(
            new Snapshot.Thumbnail(
                p.imageId(),
                Thumbnails.dataUrl(images.get(index)),
                p.truth().orElse(null),
                p.topK()));
      } catch (RuntimeException e) {
        LOG.debug("no thumbnail for {}: {}", p.imageId(), e.toString());
      }
    }
  }

  private boolean caughtUp() {
    var ends = consumer.endOffsets(consumer.assignment());
    return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private boolean pastDrain() {
    return System.currentTimeMillis() >= stopAtMs + DRAIN_MS;
  }

  /** Reads what is committed by now (a few seconds at most), then stops. */
  @Override
  public void close() throws InterruptedException {
    stopAtMs = System.currentTimeMillis();
    thread.join(DRAIN_MS + 5_000);
  }
}
