package io.vitstream.topology;

import io.vitstream.app.AppConfig;
import io.vitstream.app.ConfigKeys;
import io.vitstream.app.InferenceService;
import io.vitstream.avro.DeadLetter;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.Prediction;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.TopicNames;
import io.vitstream.serde.SingleObjectAvroSerde;
import io.vitstream.testing.TestImages;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/** The real inference topology under TopologyTestDriver, with the real Streams properties. */
final class TopologyDriver implements AutoCloseable {
  static final SingleObjectAvroSerde<ImageEvent> IMAGES =
      new SingleObjectAvroSerde<>(ImageEvent.class);
  static final SingleObjectAvroSerde<Prediction> PREDICTIONS =
      new SingleObjectAvroSerde<>(Prediction.class);
  static final SingleObjectAvroSerde<DeadLetter> DEAD_LETTERS =
      new SingleObjectAvroSerde<>(DeadLetter.class);

  final TopologyTestDriver driver;
  final TestInputTopic<String, ImageEvent> images;
  final TestInputTopic<String, byte[]> rawImages;
  final TestOutputTopic<String, Prediction> predictions;
  final TestOutputTopic<String, DeadLetter> deadLetters;

  TopologyDriver(
      ServingModel model,
      int maxBatch,
      long maxDelayMs,
      int maxBytes,
      int maxSide,
      String guarantee) {
    this(maxBatch, maxDelayMs, maxBytes, maxSide, guarantee, Map.of(), new ModelSlot<>(model));
  }

  TopologyDriver(
      ServingModel model,
      int maxBatch,
      long maxDelayMs,
      int maxBytes,
      int maxSide,
      String guarantee,
      Map<String, String> more) {
    this(maxBatch, maxDelayMs, maxBytes, maxSide, guarantee, more, new ModelSlot<>(model));
  }

  TopologyDriver(
      int maxBatch,
      long maxDelayMs,
      int maxBytes,
      int maxSide,
      String guarantee,
      Map<String, String> more,
      ModelSlot<ServingModel> slot) {
    Map<String, String> settings =
        new HashMap<>(
            Map.of(
                ConfigKeys.MAX_BATCH_SIZE.name(), Integer.toString(maxBatch),
                ConfigKeys.MAX_BATCH_DELAY_MS.name(), Long.toString(maxDelayMs),
                ConfigKeys.MAX_IMAGE_BYTES.name(), Integer.toString(maxBytes),
                ConfigKeys.MAX_IMAGE_SIDE.name(), Integer.toString(maxSide),
                ConfigKeys.PROCESSING_GUARANTEE.name(), guarantee));
    // the forward on the stream thread, so that outputs follow their input at once; the hand-off
    // to an inference thread has tests of its own
    settings.put(ConfigKeys.BATCHES_IN_FLIGHT.name(), "0");
    settings.putAll(more);
    AppConfig config = AppConfig.load(Optional.empty(), settings);
    Properties props = InferenceService.streamsProperties(config);
    driver =
        new TopologyTestDriver(
            InferenceTopology.buildInferenceTopology(config.inference(), slot),
            props,
            Instant.ofEpochMilli(0));
    images =
        driver.createInputTopic(TopicNames.IMAGES, new StringSerializer(), IMAGES.serializer());
    rawImages =
        driver.createInputTopic(
            TopicNames.IMAGES, new StringSerializer(), new ByteArraySerializer());
    predictions =
        driver.createOutputTopic(
            TopicNames.PREDICTIONS, new StringDeserializer(), PREDICTIONS.deserializer());
    deadLetters =
        driver.createOutputTopic(
            TopicNames.DEAD_LETTERS, new StringDeserializer(), DEAD_LETTERS.deserializer());
  }

  TopologyDriver(ServingModel model, int maxBatch, long maxDelayMs) {
    this(model, maxBatch, maxDelayMs, 1 << 20, 512, "exactly_once_v2");
  }

  KeyValueStore<Long, Object> buffer() {
    return driver.getKeyValueStore(InferenceTopology.BUFFER_STORE);
  }

  void pipe(String id, long timestamp) {
    images.pipeInput(id, TestImages.encoded(id, TestImages.png(28, 28, id.hashCode())), timestamp);
  }

  @Override
  public void close() {
    driver.close();
  }

  /** Entries in a store. */
  static long count(KeyValueStore<Long, Object> store) {
    long n = 0;
    try (var it = store.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }
}
