package io.vitstream.topology;

import io.vitstream.avro.DeadLetter;
import io.vitstream.feedback.FineTuneRequest;
import io.vitstream.feedback.LiveFeedback;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The feedback topology, a Streams application of its own (it reads the images topic beside the
 * inference application):
 *
 * <pre>
 * images      --> remember (recent-images store, time-limited)
 * predictions --> remember (recent-predictions store, time-limited) --> live accuracy, rollback
 * feedback --> join + split --> holdout store | training buffer + replay reservoir --> trigger
 *                 '--> dead-letters (unknown label, unknown or expired image, malformed bytes)
 * </pre>
 *
 * The images and feedback topics must be co-partitioned (both are keyed by image id).
 */
public final class FeedbackTopology {
  public static final String IMAGES_SOURCE = "feedback-images-source";
  public static final String FEEDBACK_SOURCE = "feedback-source";
  public static final String PREDICTIONS_SOURCE = "feedback-predictions-source";
  public static final String REMEMBER_PREDICTIONS = "remember-predictions";
  public static final String RECENT_PREDICTIONS_STORE = "recent-predictions";
  public static final String REMEMBER = "remember-images";
  public static final String JOIN = "join-feedback";
  public static final String DEAD_LETTERS_SINK = "feedback-dead-letters-sink";
  public static final String RECENT_IMAGES_STORE = "recent-images";
  public static final String HOLDOUT_STORE = "feedback-holdout";
  public static final String FRESH_STORE = "feedback-fresh";
  public static final String REPLAY_STORE = "feedback-replay";

  private FeedbackTopology() {}

  /**
   * Builds the topology. Nothing is connected or loaded here.
   *
   * @param settings topics, labels, retention, split, replay and trigger; may not be null
   * @param onTrigger receives each fine-tuning request, on a stream thread: hand it off (e.g. to
   *     {@code FineTuneJob::submit}) without blocking
   */
  public static Topology buildFeedbackTopology(
      FeedbackSettings settings, Consumer<FineTuneRequest> onTrigger) {
    return buildFeedbackTopology(settings, onTrigger, LiveFeedback.NONE);
  }

  /**
   * Builds the topology, also telling {@code live} whether each labelled image's prediction was
   * right (the images, feedback and predictions topics must be co-partitioned).
   *
   * @param live receives each labelled prediction's outcome, on a stream thread
   */
  public static Topology buildFeedbackTopology(
      FeedbackSettings settings, Consumer<FineTuneRequest> onTrigger, LiveFeedback live) {
    var topics = settings.topics();
    var deadLetters = new SingleObjectAvroSerde<>(DeadLetter.class);
    // an event larger than an accepted image plus its envelope is refused by inference; storing it
    // would write a changelog record larger than the producer may send
    int maxEvent = settings.maxImageBytes() + (1 << 16);
    Topology t = new Topology();
    t.addSource(
        IMAGES_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.images());
    t.addSource(
        FEEDBACK_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.feedback());
    t.addProcessor(
        REMEMBER,
        () -> new RecentImagesProcessor(RECENT_IMAGES_STORE, settings.imageRetention(), maxEvent),
        IMAGES_SOURCE);
    t.addSource(
        PREDICTIONS_SOURCE,
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        topics.predictions());
    t.addProcessor(
        REMEMBER_PREDICTIONS,
        () ->
            new RecentImagesProcessor(
                RECENT_PREDICTIONS_STORE, settings.imageRetention(), maxEvent),
        PREDICTIONS_SOURCE);
    t.addProcessor(JOIN, () -> new FeedbackProcessor(settings, onTrigger, live), FEEDBACK_SOURCE);
    t.addStateStore(store(RECENT_IMAGES_STORE), REMEMBER, JOIN);
    t.addStateStore(store(RECENT_PREDICTIONS_STORE), REMEMBER_PREDICTIONS, JOIN);
    t.addStateStore(store(HOLDOUT_STORE), JOIN);
    t.addStateStore(store(FRESH_STORE), JOIN);
    t.addStateStore(store(REPLAY_STORE), JOIN);
    t.addSink(
        DEAD_LETTERS_SINK,
        topics.deadLetters(),
        new StringSerializer(),
        deadLetters.serializer(),
        JOIN);
    return t;
  }

  private static StoreBuilder<KeyValueStore<String, byte[]>> store(String name) {
    return Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray());
  }
}
