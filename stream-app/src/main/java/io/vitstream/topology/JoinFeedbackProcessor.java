package io.vitstream.topology;

import io.vitstream.avro.Feedback;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.Prediction;
import io.vitstream.image.ImageDecoder;
import io.vitstream.image.RawImage;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Joins a Feedback event to its image (carried in the feedback, or remembered in the recent-images
 * window store within the retention before the feedback's timestamp) and to the prediction made for
 * it, if still remembered. Bad feedback becomes a dead letter.
 */
final class JoinFeedbackProcessor implements Processor<String, byte[], String, Joined> {
  static final String STAGE = "feedback";

  private final FeedbackSettings settings;
  private final SingleObjectAvroSerde<Feedback> feedbackSerde =
      new SingleObjectAvroSerde<>(Feedback.class);
  private final SingleObjectAvroSerde<Prediction> predictionSerde =
      new SingleObjectAvroSerde<>(Prediction.class);
  private final SingleObjectAvroSerde<ImageEvent> imageSerde =
      new SingleObjectAvroSerde<>(ImageEvent.class);
  private final ImageDecoder decoder;
  private final DeadLetters letters;
  private ProcessorContext<String, Joined> context;
  private WindowStore<String, byte[]> images;
  private WindowStore<String, byte[]> predictions;

  JoinFeedbackProcessor(FeedbackSettings settings) {
    this.settings = settings;
    this.decoder = new ImageDecoder(settings.maxImageBytes(), 4 * settings.imageSize());
    this.letters = new DeadLetters(settings.deadLetterValueBytes());
  }

  @Override
  public void init(ProcessorContext<String, Joined> context) {
    this.context = context;
    images = context.getStateStore(FeedbackTopology.RECENT_IMAGES_STORE);
    predictions = context.getStateStore(FeedbackTopology.RECENT_PREDICTIONS_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null) {
      return;
    }
    Feedback fb;
    try {
      fb = feedbackSerde.decode(record.value());
    } catch (RuntimeException e) {
      deadLetter(record, null, "malformed feedback: " + e.getMessage(), e);
      return;
    }
    int label = settings.labels().indexOf(fb.getLabel());
    if (label < 0) {
      deadLetter(record, fb.getImageId(), "unknown label '" + fb.getLabel() + "'", null);
      return;
    }
    byte[] pixels;
    try {
      RawImage image = image(fb, record.timestamp());
      if (image == null) {
        deadLetter(record, fb.getImageId(), "unknown or expired image " + fb.getImageId(), null);
        return;
      }
      pixels = ExamplePixels.of(image, settings.imageSize(), settings.channels());
    } catch (RuntimeException e) {
      deadLetter(record, fb.getImageId(), "malformed image: " + e.getMessage(), e);
      return;
    }
    Prediction p = prediction(fb.getImageId(), record.timestamp());
    Example example =
        p == null
            ? new Example(fb.getImageId(), label, pixels, "", 0, false)
            : new Example(
                fb.getImageId(),
                label,
                pixels,
                p.getModelName(),
                p.getModelVersion(),
                p.getTopK().get(0).getIndex() == label);
    context.forward(record.withKey(fb.getImageId()).withValue(Joined.of(example)));
  }

  /** The feedback's own image, else the newest remembered one; null when unknown or expired. */
  private RawImage image(Feedback fb, long timestamp) {
    if (fb.getEncoded() != null) {
      ByteBuffer b = fb.getEncoded().duplicate();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      return decoder.decode(bytes);
    }
    byte[] event = newest(images, fb.getImageId(), timestamp);
    return event == null ? null : DecodeProcessor.decode(decoder, imageSerde.decode(event));
  }

  /** The prediction still remembered for the image, if any and readable. */
  private Prediction prediction(String imageId, long timestamp) {
    byte[] bytes = newest(predictions, imageId, timestamp);
    if (bytes == null) {
      return null;
    }
    try {
      Prediction p = predictionSerde.decode(bytes);
      return p.getTopK().isEmpty() ? null : p;
    } catch (RuntimeException e) {
      return null; // an unreadable prediction scores nothing
    }
  }

  /** The newest value of {@code key} no older than the retention before {@code timestamp}. */
  private byte[] newest(WindowStore<String, byte[]> store, String key, long timestamp) {
    Duration retention = settings.imageRetention();
    long from = Math.max(0, timestamp - retention.toMillis());
    try (WindowStoreIterator<byte[]> it = store.backwardFetch(key, from, Long.MAX_VALUE)) {
      if (!it.hasNext()) {
        return null;
      }
      KeyValue<Long, byte[]> kv = it.next();
      return kv.value;
    }
  }

  private void deadLetter(
      Record<String, byte[]> record, String imageId, String reason, Throwable e) {
    RecordMetadata m = context.recordMetadata().orElseThrow();
    byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
    var source = new DeadLetters.Source(m.topic(), m.partition(), m.offset(), key, record.value());
    context.forward(
        record.withValue(
            Joined.refused(
                letters.of(reason, STAGE, source, imageId, e, context.currentSystemTimeMs()))));
  }
}
