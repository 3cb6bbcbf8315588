package io.vitstream.topology;

import io.vitstream.avro.DeadLetter;
import io.vitstream.avro.ModelVersion;
import io.vitstream.feedback.FineTuneRequestSerde;
import io.vitstream.feedback.HoldoutSplit;
import io.vitstream.metrics.Metrics;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The feedback topology, a Streams application of its own (it reads the images and predictions
 * topics beside the inference application). Every piece of state is in a logged store of bounded
 * size, and every decision is a record of the transaction that made it:
 *
 * <pre>
 * images      --> remember (recent-images window store)
 * predictions --> remember (recent-predictions window store)
 * feedback (1 partition) --> by image id (as many partitions as images) --> join
 *     join --> dead-letters (unknown label, unknown or expired image, malformed bytes)
 *     join --> labelled (1 partition: one trainer)
 *          labelled --> score (live accuracy per version) --> model-versions (ROLLED_BACK)
 *          labelled --> holdout (bounded by count and age)
 *          labelled --> replay reservoir; fresh buffer + trigger --> feedback-finetune
 * model-versions --> promotions (the history a rollback returns along)
 * </pre>
 *
 * The images and predictions topics must be co-partitioned (both keyed by image id, with as many
 * partitions).
 */
public final class FeedbackTopology {
  public static final String IMAGES_SOURCE = "feedback-images-source";
  public static final String PREDICTIONS_SOURCE = "feedback-predictions-source";
  public static final String FEEDBACK_SOURCE = "feedback-source";
  public static final String MODEL_VERSIONS_SOURCE = "feedback-model-versions-source";
  public static final String JOIN = "join-feedback";
  public static final String RECENT_IMAGES_STORE = "recent-images";
  public static final String RECENT_PREDICTIONS_STORE = "recent-predictions";
  public static final String LIVE_STORE = "feedback-live-accuracy";
  public static final String PROMOTIONS_STORE = "feedback-promotions";
  public static final String HOLDOUT_STORE = "feedback-holdout";
  public static final String FRESH_STORE = "feedback-fresh";
  public static final String REPLAY_STORE = "feedback-replay";
  public static final String TRIGGER_STORE = "feedback-trigger";

  private FeedbackTopology() {}

  /**
   * Builds the topology. Nothing is connected or loaded here.
   *
   * @param settings topics, labels, retention, split, replay, trigger and rollback; may not be null
   * @param imagePartitions partitions of the images (and predictions) topic: feedback is spread
   *     over as many by image id to meet its image
   */
  public static Topology buildFeedbackTopology(FeedbackSettings settings, int imagePartitions) {
    return buildFeedbackTopology(settings, imagePartitions, Metrics.noop());
  }

  /**
   * Builds the topology, reporting each version's live accuracy in {@code metrics}.
   *
   * @param metrics shared by all stream threads; may not be null
   */
  public static Topology buildFeedbackTopology(
      FeedbackSettings settings, int imagePartitions, Metrics metrics) {
    var topics = settings.topics();
    // an event larger than an accepted image plus its envelope is refused by inference; storing it
    // would write a changelog record larger than the producer may send
    int maxEvent = settings.maxImageBytes() + (1 << 16);
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(windowStore(RECENT_IMAGES_STORE, settings.imageRetention()));
    b.addStateStore(windowStore(RECENT_PREDICTIONS_STORE, settings.imageRetention()));
    for (String store :
        List.of(
            LIVE_STORE,
            PROMOTIONS_STORE,
            HOLDOUT_STORE,
            FRESH_STORE,
            REPLAY_STORE,
            TRIGGER_STORE)) {
      b.addStateStore(store(store));
    }

    b.stream(topics.images(), raw(IMAGES_SOURCE))
        .process(
            () -> new RememberProcessor(RECENT_IMAGES_STORE, maxEvent),
            Named.as("remember-images"),
            RECENT_IMAGES_STORE);
    b.stream(topics.predictions(), raw(PREDICTIONS_SOURCE))
        .process(
            () -> new RememberProcessor(RECENT_PREDICTIONS_STORE, maxEvent),
            Named.as("remember-predictions"),
            RECENT_PREDICTIONS_STORE);
    b.stream(topics.modelVersions(), raw(MODEL_VERSIONS_SOURCE))
        .process(PromotionsProcessor::new, Named.as("promotions"), PROMOTIONS_STORE);

    KStream<String, Joined> joined =
        b.stream(topics.feedback(), raw(FEEDBACK_SOURCE))
            .repartition(
                Repartitioned.with(Serdes.String(), Serdes.ByteArray())
                    .withName("feedback-by-image")
                    .withNumberOfPartitions(imagePartitions))
            .process(
                () -> new JoinFeedbackProcessor(settings),
                Named.as(JOIN),
                RECENT_IMAGES_STORE,
                RECENT_PREDICTIONS_STORE);
    joined
        .filter((id, j) -> j.letter() != null, Named.as("refused-feedback"))
        .mapValues(Joined::letter)
        .to(
            topics.deadLetters(),
            Produced.with(Serdes.String(), new SingleObjectAvroSerde<>(DeadLetter.class)));

    KStream<String, Example> labelled =
        joined
            .filter((id, j) -> j.example() != null, Named.as("joined-feedback"))
            .mapValues(Joined::example)
            .repartition(
                Repartitioned.with(Serdes.String(), Example.serde())
                    .withName("labelled")
                    .withNumberOfPartitions(1));
    labelled
        .process(
            () -> new ScoreProcessor(settings.rollback(), settings.liveWindow(), metrics),
            Named.as("score"),
            LIVE_STORE,
            PROMOTIONS_STORE)
        .to(
            topics.modelVersions(),
            Produced.with(Serdes.String(), new SingleObjectAvroSerde<>(ModelVersion.class)));
    HoldoutSplit split = new HoldoutSplit(settings.holdoutFraction());
    labelled
        .filter((id, e) -> split.isHoldout(e.imageId()), Named.as("holdout-split"))
        .process(
            () -> new HoldoutProcessor(settings.holdoutMaxCount(), settings.holdoutMaxAge()),
            Named.as("holdout"),
            HOLDOUT_STORE,
            TRIGGER_STORE);
    KStream<String, Example> training =
        labelled.filterNot((id, e) -> split.isHoldout(e.imageId()), Named.as("training-split"));
    training.process(
        () -> new ReplayProcessor(settings.replayPerClass()), Named.as("replay"), REPLAY_STORE);
    training
        .process(
            () ->
                new TriggerProcessor(
                    settings.trigger(),
                    settings.liveWindow(),
                    settings.imageSize(),
                    settings.channels()),
            Named.as("trigger"),
            FRESH_STORE,
            HOLDOUT_STORE,
            TRIGGER_STORE,
            REPLAY_STORE,
            LIVE_STORE)
        .to(settings.requestsTopic(), Produced.with(Serdes.String(), new FineTuneRequestSerde()));
    return b.build();
  }

  private static Consumed<String, byte[]> raw(String name) {
    return Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(name);
  }

  /** The stores are bounded by configuration (counts, retention): in memory, restored whole. */
  private static StoreBuilder<KeyValueStore<String, byte[]>> store(String name) {
    return Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray());
  }

  private static StoreBuilder<WindowStore<String, byte[]>> windowStore(
      String name, Duration retention) {
    return Stores.windowStoreBuilder(
        Stores.inMemoryWindowStore(name, retention, Duration.ofMillis(1), false),
        Serdes.String(),
        Serdes.ByteArray());
  }
}
