package io.vitstream.topology;

import io.vitstream.avro.DeadLetter;
import io.vitstream.avro.Feedback;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.Prediction;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.feedback.FineTuneRequest;
import io.vitstream.feedback.HoldoutSplit;
import io.vitstream.feedback.LiveAccuracy;
import io.vitstream.feedback.LiveFeedback;
import io.vitstream.image.ImageDecoder;
import io.vitstream.image.RawImage;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Joins a Feedback event to its image (carried in the feedback, or from the recent-images store),
 * then files the labelled example: to the holdout store, or to the training buffer and the
 * class-balanced replay reservoir. Bad feedback becomes a dead letter. When the trigger policy
 * fires, the buffer, replay and holdout go to the fine-tuning callback and the buffer is emptied.
 *
 * <p>An example is stored as one label byte followed by the image's gray pixels.
 */
final class FeedbackProcessor implements Processor<String, byte[], String, DeadLetter> {
  static final String STAGE = "feedback";

  private final FeedbackSettings settings;
  private final Consumer<FineTuneRequest> onTrigger;
  private final SingleObjectAvroSerde<Feedback> feedbackSerde =
      new SingleObjectAvroSerde<>(Feedback.class);
  private final LiveFeedback live;
  private final SingleObjectAvroSerde<Prediction> predictionSerde =
      new SingleObjectAvroSerde<>(Prediction.class);
  private final SingleObjectAvroSerde<ImageEvent> imageSerde =
      new SingleObjectAvroSerde<>(ImageEvent.class);
  private final ImageDecoder decoder;
  private final DeadLetters letters;
  private final HoldoutSplit split;
  private final Random random = new Random(42);
  private ProcessorContext<String, DeadLetter> context;
  private KeyValueStore<String, byte[]> recent;
  private KeyValueStore<String, byte[]> predictions;
  private KeyValueStore<String, byte[]> holdout;
  private KeyValueStore<String, byte[]> fresh;
  private KeyValueStore<String, byte[]> replay;
  private int labelsSinceRun;
  private long lastRunMs;
  private String lastOffset = "none";
  private int liveVersion = -1;
  private LiveAccuracy liveWindow;
  private double baseline = Double.NaN;

  FeedbackProcessor(
      FeedbackSettings settings, Consumer<FineTuneRequest> onTrigger, LiveFeedback live) {
    this.settings = settings;
    this.live = live;
    this.onTrigger = onTrigger;
    this.decoder = new ImageDecoder(settings.maxImageBytes(), 4 * settings.imageSize());
    this.letters = new DeadLetters(settings.deadLetterValueBytes());
    this.split = new HoldoutSplit(settings.holdoutFraction());
  }

  @Override
  public void init(ProcessorContext<String, DeadLetter> context) {
    this.context = context;
    recent = context.getStateStore(FeedbackTopology.RECENT_IMAGES_STORE);
    predictions = context.getStateStore(FeedbackTopology.RECENT_PREDICTIONS_STORE);
    holdout = context.getStateStore(FeedbackTopology.HOLDOUT_STORE);
    fresh = context.getStateStore(FeedbackTopology.FRESH_STORE);
    replay = context.getStateStore(FeedbackTopology.REPLAY_STORE);
    labelsSinceRun = count(fresh);
    lastRunMs = context.currentSystemTimeMs();
    context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, this::maybeTrigger);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null) {
      return;
    }
    RecordMetadata m = context.recordMetadata().orElseThrow();
    lastOffset = m.topic() + "-" + m.partition() + "@" + m.offset();
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
    scorePrediction(fb.getImageId(), label);
    byte[] pixels;
    try {
      RawImage image = image(fb);
      if (image == null) {
        deadLetter(record, fb.getImageId(), "unknown or expired image " + fb.getImageId(), null);
        return;
      }
      pixels = gray(image);
    } catch (RuntimeException e) {
      deadLetter(record, fb.getImageId(), "malformed image: " + e.getMessage(), e);
      return;
    }
    byte[] example = ByteBuffer.allocate(1 + pixels.length).put((byte) label).put(pixels).array();
    if (split.isHoldout(fb.getImageId())) {
      holdout.put(fb.getImageId(), example);
      return;
    }
    fresh.put(fb.getImageId(), example);
    addToReplay(label, example);
    labelsSinceRun++;
    maybeTrigger(context.currentSystemTimeMs());
  }

  /** Tells the live-accuracy listener whether the image's prediction, if still known, was right. */
  private void scorePrediction(String imageId, int label) {
    byte[] stamped = predictions.get(imageId);
    if (stamped == null) {
      return;
    }
    try {
      Prediction p = predictionSerde.decode(RecentImagesProcessor.unstamp(stamped));
      if (!p.getTopK().isEmpty()) {
        boolean hit = p.getTopK().get(0).getIndex() == label;
        live.record(p.getModelVersion(), hit);
        watch(p.getModelVersion(), hit);
      }
    } catch (RuntimeException e) {
      predictions.delete(imageId); // an unreadable prediction scores nothing
    }
  }

  /**
   * Keeps the live accuracy of the newest version seen; its first full window sets the baseline the
   * trigger compares against.
   */
  private void watch(int version, boolean hit) {
    if (version != liveVersion) {
      liveVersion = version;
      liveWindow = new LiveAccuracy(settings.liveWindow());
      baseline = Double.NaN;
    }
    liveWindow.record(hit);
    if (Double.isNaN(baseline) && liveWindow.count() == settings.liveWindow()) {
      baseline = liveWindow.accuracy();
    }
  }

  /** The feedback's own image, else the recent one; null when unknown or expired. */
  private RawImage image(Feedback fb) {
    if (fb.getEncoded() != null) {
      return decoder.decode(bytes(fb.getEncoded()));
    }
    byte[] stamped = recent.get(fb.getImageId());
    if (stamped == null
        || RecentImagesProcessor.isExpired(
            stamped, context.currentSystemTimeMs(), settings.imageRetention())) {
      return null;
    }
    ImageEvent event = imageSerde.decode(RecentImagesProcessor.unstamp(stamped));
    return DecodeProcessor.decode(decoder, event);
  }

  private byte[] gray(RawImage image) {
    int s = settings.imageSize();
    if (image.height() != s || image.width() != s) {
      throw new IllegalArgumentException(
          "image is " + image.height() + "x" + image.width() + ", the model takes " + s + "x" + s);
    }
    byte[] out = new byte[s * s];
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        int sum = 0;
        for (int c = 0; c < image.channels(); c++) {
          sum += image.at(y, x, c);
        }
        out[y * s + x] = (byte) (sum / image.channels());
      }
    }
    return out;
  }

  /** Reservoir sampling per class: each example of a class is kept with equal probability. */
  private void addToReplay(int label, byte[] example) {
    String counterKey = "n/" + label;
    byte[] counter = replay.get(counterKey);
    long seen = counter == null ? 0 : ByteBuffer.wrap(counter).getLong();
    long slot = seen < settings.replayPerClass() ? seen : (long) (random.nextDouble() * (seen + 1));
    if (slot < settings.replayPerClass()) {
      replay.put("c/" + label + "/" + slot, example);
    }
    replay.put(counterKey, ByteBuffer.allocate(8).putLong(seen + 1).array());
  }

  private void maybeTrigger(long nowMs) {
    var reason =
        settings
            .trigger()
            .reason(labelsSinceRun, Duration.ofMillis(nowMs - lastRunMs), baseline, liveNow());
    if (reason.isEmpty()) {
      return;
    }
    List<String> freshKeys = new ArrayList<>();
    LabeledImages freshImages = examples(fresh, "", freshKeys);
    LabeledImages replayImages = examples(replay, "c/", new ArrayList<>());
    LabeledImages holdoutImages = examples(holdout, "", new ArrayList<>());
    freshKeys.forEach(fresh::delete);
    String feedback = reason.get() + "; " + freshKeys.size() + " labels up to " + lastOffset;
    labelsSinceRun = 0;
    lastRunMs = nowMs;
    if (liveWindow != null) { // the next full window is the new baseline
      liveWindow = new LiveAccuracy(settings.liveWindow());
      baseline = Double.NaN;
    }
    onTrigger.accept(new FineTuneRequest(freshImages, replayImages, holdoutImages, feedback));
  }

  private double liveNow() {
    return liveWindow != null && liveWindow.count() == settings.liveWindow()
        ? liveWindow.accuracy()
        : Double.NaN;
  }

  private LabeledImages examples(
      KeyValueStore<String, byte[]> store, String prefix, List<String> keys) {
    int len = settings.imageSize() * settings.imageSize();
    List<byte[]> values = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        if (kv.key.startsWith(prefix)) {
          keys.add(kv.key);
          values.add(kv.value);
        }
      }
    }
    byte[] pixels = new byte[values.size() * len];
    byte[] labels = new byte[values.size()];
    for (int i = 0; i < values.size(); i++) {
      labels[i] = values.get(i)[0];
      System.arraycopy(values.get(i), 1, pixels, i * len, len);
    }
    int s = settings.imageSize();
    return new LabeledImages(values.size(), s, s, pixels, labels);
  }

  private static int count(KeyValueStore<String, byte[]> store) {
    int n = 0;
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  private void deadLetter(
      Record<String, byte[]> record, String imageId, String reason, Throwable e) {
    RecordMetadata m = context.recordMetadata().orElseThrow();
    byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
    var source = new DeadLetters.Source(m.topic(), m.partition(), m.offset(), key, record.value());
    context.forward(
        record.withValue(
            letters.of(reason, STAGE, source, imageId, e, context.currentSystemTimeMs())));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
