package io.vitstream.topology;

import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.feedback.LiveAccuracy;
import io.vitstream.feedback.RollbackPolicy;
import io.vitstream.metrics.Metrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the live accuracy of each model version (the agreement of its predictions with the labels
 * that arrive for them) and, when the {@link RollbackPolicy} finds the served version worse than
 * the one promoted before it, forwards a ROLLED_BACK decision whose version is the one to serve
 * again. The decision is a record of the same transaction as the label that caused it.
 */
final class ScoreProcessor implements Processor<String, Example, String, ModelVersion> {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreProcessor.class);

  /** Versions of a model whose live accuracy is kept; the oldest go first. */
  static final int MAX_VERSIONS = 16;

  private final RollbackPolicy policy;
  private final int window;
  private final Metrics metrics;
  private ProcessorContext<String, ModelVersion> context;
  private KeyValueStore<String, byte[]> live;
  private KeyValueStore<String, byte[]> promotions;

  ScoreProcessor(RollbackPolicy policy, int window, Metrics metrics) {
    this.metrics = metrics;
    this.policy = policy;
    this.window = window;
  }

  @Override
  public void init(ProcessorContext<String, ModelVersion> context) {
    this.context = context;
    live = context.getStateStore(FeedbackTopology.LIVE_STORE);
    promotions = context.getStateStore(FeedbackTopology.PROMOTIONS_STORE);
  }

  static String key(String model, int version) {
    return String.format(Locale.ROOT, "%s/%010d", model, version);
  }

  @Override
  public void process(Record<String, Example> record) {
    Example e = record.value();
    if (!e.scored()) {
      return;
    }
    String key = key(e.modelName(), e.modelVersion());
    boolean known = live.get(key) != null;
    LiveAccuracy current = LiveAccuracy.fromBytes(live.get(key), window);
    current.record(e.hit());
    live.put(key, current.toBytes());
    metrics.liveAccuracy(e.modelName(), e.modelVersion(), current.accuracy());
    if (!known) {
      prune(e.modelName());
    }
    Promotions history = Promotions.fromBytes(promotions.get(e.modelName()));
    if (history.current() != e.modelVersion() || history.predecessor() == 0) {
      return; // not the served version, or nothing to return to
    }
    int predecessor = history.predecessor();
    LiveAccuracy before = LiveAccuracy.fromBytes(live.get(key(e.modelName(), predecessor)), window);
    if (!policy.shouldRollBack(before, current)) {
      return;
    }
    String reason =
        String.format(
            Locale.ROOT,
            "live accuracy of v%d %.3f fell below v%d's %.3f by more than %.3f"
                + " (95%% lower bound of the drop %+.3f; %d and %d labels)",
            e.modelVersion(),
            current.accuracy(),
            predecessor,
            before.accuracy(),
            policy.maxDrop(),
            RollbackPolicy.dropLowerBound(before, current),
            current.count(),
            before.count());
    LOG.warn("rolling {} back to v{}: {}", e.modelName(), predecessor, reason);
    ModelVersion decision =
        ModelVersion.newBuilder()
            .setModelName(e.modelName())
            .setVersion(predecessor)
            .setStatus(ModelStatus.ROLLED_BACK)
            .setReason(reason)
            .setMetrics(
                Map.of(
                    "live_accuracy_rolled_back",
                    current.accuracy(),
                    "live_accuracy_restored",
                    before.accuracy(),
                    "live_drop_low",
                    RollbackPolicy.dropLowerBound(before, current),
                    RollbackPolicy.ROLLED_BACK_VERSION,
                    (double) e.modelVersion()))
            .setEventTime(Instant.ofEpochMilli(record.timestamp()))
            .build();
    // applied at once, so that the labels still in flight for the bad version decide nothing more
    promotions.put(e.modelName(), history.apply(decision).toBytes());
    context.forward(record.withKey(e.modelName()).withValue(decision));
  }

  private void prune(String model) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        live.prefixScan(model + "/", new StringSerializer())) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    for (int i = 0; i < keys.size() - MAX_VERSIONS; i++) {
      live.delete(keys.get(i));
    }
  }
}
