package io.vitstream.topology;

import io.vitstream.avro.DeadLetter;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.Prediction;
import io.vitstream.batching.MicroBatching;
import io.vitstream.image.ImageDecoder;
import io.vitstream.inference.BatchClassifier;
import io.vitstream.inference.BatchShapes;
import io.vitstream.inference.Classifier;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.metrics.Metrics;
import io.vitstream.serde.SingleObjectAvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;

/**
 * The inference topology:
 *
 * <pre>
 * images --> decode --> preprocess --> batch (buffer store) --> predictions
 *              '--> dead-letters
 * </pre>
 *
 * Records that are not ImageEvents never reach {@code decode}: the deserialization handler ({@link
 * DeadLetterHandler}) sends them to the dead-letter topic. Every sink checks a record's size
 * against {@link InferenceSettings#maxRecordBytes()} before it is sent, so that a record too large
 * for its topic becomes a dead letter instead of an aborted transaction.
 */
public final class InferenceTopology {
  public static final String SOURCE = "images-source";
  public static final String DECODE = "decode";
  public static final String PREPROCESS = "preprocess";
  public static final String BATCH = "batch";
  public static final String PREDICTIONS_SINK = "predictions-sink";
  public static final String DEAD_LETTERS_SINK = "dead-letters-sink";

  /**
   * The batch buffer; its changelog topic is {@code <application.id>-inference-buffer-changelog}.
   */
  public static final String BUFFER_STORE = "inference-buffer";

  private InferenceTopology() {}

  /**
   * Builds the topology. Nothing is connected or loaded here.
   *
   * @param settings topics, batch policy and image limits; may not be null
   * @param model the slot of the model to serve; each batch leases the model in it, so a new
   *     version swapped in takes effect at the next batch; shared by all stream threads; may not be
   *     null
   */
  public static Topology buildInferenceTopology(
      InferenceSettings settings, ModelSlot<ServingModel> model) {
    return buildInferenceTopology(
        settings,
        model,
        new BatchClassifier(new BatchShapes(settings.batch().maxBatchSize()), settings.topK()));
  }

  /**
   * Builds the topology with another forward pass, e.g. a no-op that measures what the rest of the
   * pipeline costs.
   *
   * @param classifier runs each batch; shared by all stream threads; may not be null
   */
  public static Topology buildInferenceTopology(
      InferenceSettings settings, ModelSlot<ServingModel> model, Classifier classifier) {
    return buildInferenceTopology(settings, model, classifier, Metrics.noop());
  }

  /**
   * Builds the topology, counting images, batches, predictions and dead letters in {@code metrics}.
   *
   * @param metrics shared by all stream threads; may not be null
   */
  public static Topology buildInferenceTopology(
      InferenceSettings settings,
      ModelSlot<ServingModel> model,
      Classifier classifier,
      Metrics metrics) {
    var topics = settings.topics();
    var images = new SingleObjectAvroSerde<>(ImageEvent.class);
    var predictions = new SingleObjectAvroSerde<>(Prediction.class);
    var deadLetters = new SingleObjectAvroSerde<>(DeadLetter.class);
    var decoder = new ImageDecoder(settings.maxImageBytes(), settings.maxImageSide());
    var letters = new DeadLetters(settings.deadLetterValueBytes());
    int limit = settings.maxRecordBytes();

    Topology t = new Topology();
    t.addSource(
        SOURCE, new StringDeserializer(), ReceivedImage.deserializer(images), topics.images());
    t.addProcessor(
        DECODE,
        () -> new DecodeProcessor(decoder, letters, PREPROCESS, DEAD_LETTERS_SINK, metrics),
        SOURCE);
    t.addProcessor(PREPROCESS, () -> new PreprocessProcessor(model), DECODE);
    t.addProcessor(
        BATCH,
        new MicroBatching<>(
            BUFFER_STORE,
            settings.batch(),
            Serdes.String(),
            ModelInput.serde(),
            new PredictBatch(model, classifier, metrics),
            metrics.bufferedImages()),
        PREPROCESS);
    t.addSink(
        PREDICTIONS_SINK,
        topics.predictions(),
        new StringSerializer(),
        new SizeLimitedSerializer<>(predictions.serializer(), limit),
        BATCH);
    t.addSink(
        DEAD_LETTERS_SINK,
        topics.deadLetters(),
        new StringSerializer(),
        new SizeLimitedSerializer<>(deadLetters.serializer(), limit),
        DECODE);
    return t;
  }
}
