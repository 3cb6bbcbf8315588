package io.vitstream.topology;

import io.vitstream.dataset.LabeledImages;
import io.vitstream.feedback.FineTuneRequest;
import io.vitstream.feedback.LiveAccuracy;
import io.vitstream.feedback.TriggerPolicy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers the fresh training examples and, when the {@link TriggerPolicy} fires, forwards a
 * fine-tuning request (fresh, replay and holdout examples) and empties the buffer, in one
 * transaction. The live accuracy it watches is that of the version behind the newest scored label;
 * the accuracy of that version's first full window after a run is the baseline a drop is measured
 * against. The time of the last run, the baselines and the watched version are in the trigger
 * store.
 */
final class TriggerProcessor implements Processor<String, Example, String, FineTuneRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerProcessor.class);
  static final String REQUEST_KEY = "fine-tune";
  private static final String LAST_RUN = "last-run";
  private static final String WATCHED = "watched";
  private static final String BASELINE = "baseline/";

  private final TriggerPolicy trigger;
  private final int liveWindow;
  private final int imageSize;
  private final int channels;
  private ProcessorContext<String, FineTuneRequest> context;
  private Fifo fresh;
  private Fifo holdout;
  private KeyValueStore<String, byte[]> state;
  private KeyValueStore<String, byte[]> replay;
  private KeyValueStore<String, byte[]> live;

  TriggerProcessor(TriggerPolicy trigger, int liveWindow, int imageSize, int channels) {
    this.trigger = trigger;
    this.liveWindow = liveWindow;
    this.imageSize = imageSize;
    this.channels = channels;
  }

  @Override
  public void init(ProcessorContext<String, FineTuneRequest> context) {
    this.context = context;
    fresh = new Fifo(context.getStateStore(FeedbackTopology.FRESH_STORE));
    holdout = new Fifo(context.getStateStore(FeedbackTopology.HOLDOUT_STORE));
    state = context.getStateStore(FeedbackTopology.TRIGGER_STORE);
    replay = context.getStateStore(FeedbackTopology.REPLAY_STORE);
    live = context.getStateStore(FeedbackTopology.LIVE_STORE);
    context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, this::maybeTrigger);
  }

  @Override
  public void process(Record<String, Example> record) {
    Example e = record.value();
    fresh.append(e.stored());
    if (e.scored()) {
      state.put(
          WATCHED,
          ScoreProcessor.key(e.modelName(), e.modelVersion()).getBytes(StandardCharsets.UTF_8));
    }
    if (state.get(LAST_RUN) == null) {
      putLong(LAST_RUN, context.currentSystemTimeMs());
    }
    maybeTrigger(context.currentSystemTimeMs());
  }

  private void maybeTrigger(long nowMs) {
    byte[] lastRun = state.get(LAST_RUN);
    if (lastRun == null) {
      return; // no label yet
    }
    double baseline = Double.NaN;
    double liveNow = Double.NaN;
    byte[] watched = state.get(WATCHED);
    if (watched != null) {
      String key = new String(watched, StandardCharsets.UTF_8);
      LiveAccuracy a = LiveAccuracy.fromBytes(live.get(key), liveWindow);
      if (a.count() == liveWindow) {
        liveNow = a.accuracy();
        byte[] b = state.get(BASELINE + key);
        if (b == null) {
          putDouble(BASELINE + key, liveNow);
        }
        baseline = b == null ? liveNow : ByteBuffer.wrap(b).getDouble();
      }
    }
    long since = nowMs - ByteBuffer.wrap(lastRun).getLong();
    Optional<String> reason =
        trigger.reason(
            (int) fresh.size(),
            Duration.ofMillis(since),
            baseline,
            liveNow,
            HoldoutProcessor.misses(state));
    if (reason.isEmpty()) {
      return;
    }
    LabeledImages freshImages = images(fresh.values());
    List<byte[]> held = new ArrayList<>();
    holdout.values().forEach(entry -> held.add(HoldoutProcessor.example(entry)));
    var request =
        new FineTuneRequest(
            freshImages,
            images(replayed()),
            images(held),
            reason.get() + "; " + freshImages.count() + " labels",
            trigger.dropped(baseline, liveNow));
    fresh.clear();
    state.delete(HoldoutProcessor.MISSES);
    putLong(LAST_RUN, nowMs);
    if (watched != null) { // the next full window is the new baseline
      state.delete(BASELINE + new String(watched, StandardCharsets.UTF_8));
    }
    context.forward(new Record<>(REQUEST_KEY, request, nowMs));
  }

  private List<byte[]> replayed() {
    List<byte[]> out = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = replay.prefixScan("c/", new StringSerializer())) {
      it.forEachRemaining(kv -> out.add(kv.value));
    }
    return out;
  }

  /**
   * The stored examples as images; an example of another size (kept while the model took other
   * input) is left out, and logged.
   */
  private LabeledImages images(List<byte[]> stored) {
    int len = imageSize * imageSize * channels;
    List<byte[]> fit = stored.stream().filter(s -> s.length == 1 + len).toList();
    if (fit.size() < stored.size()) {
      LOG.warn(
          "left out {} stored examples that are not {}x{}x{}",
          stored.size() - fit.size(),
          imageSize,
          imageSize,
          channels);
    }
    byte[] pixels = new byte[fit.size() * len];
    byte[] labels = new byte[fit.size()];
    for (int i = 0; i < fit.size(); i++) {
      labels[i] = fit.get(i)[0];
      System.arraycopy(fit.get(i), 1, pixels, i * len, len);
    }
    return new LabeledImages(fit.size(), imageSize, imageSize, channels, pixels, labels);
  }

  private void putLong(String key, long value) {
    state.put(key, ByteBuffer.allocate(8).putLong(value).array());
  }

  private void putDouble(String key, double value) {
    state.put(key, ByteBuffer.allocate(8).putDouble(value).array());
  }
}
