package io.vitstream.feedback;

import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.store.ModelStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls the promoted version back automatically: it keeps the live accuracy of each version (the
 * agreement of its predictions with the feedback that arrives for them) and, when the {@link
 * RollbackPolicy} finds the promoted version worse than the version promoted before it, restores
 * that one in the store and emits a ROLLED_BACK event whose version is the one now promoted.
 */
public final class RollbackGuard implements LiveFeedback {
  private static final Logger LOG = LoggerFactory.getLogger(RollbackGuard.class);

  private final ModelStore store;
  private final String name;
  private final RollbackPolicy policy;
  private final int window;
  private final Consumer<ModelVersion> events;
  private final Map<Integer, LiveAccuracy> live = new HashMap<>();
  private final Set<Integer> rolledBack = new HashSet<>();

  /**
   * @param window labelled predictions per version in the rolling accuracy
   * @param events receives the ROLLED_BACK events
   */
  public RollbackGuard(
      ModelStore store,
      String name,
      RollbackPolicy policy,
      int window,
      Consumer<ModelVersion> events) {
    this.store = store;
    this.name = name;
    this.policy = policy;
    this.window = window;
    this.events = events;
  }

  /** The live accuracy of a version, NaN before its first label. */
  public synchronized double liveAccuracy(int version) {
    LiveAccuracy a = live.get(version);
    return a == null ? Double.NaN : a.accuracy();
  }

  /**
   * Records whether a prediction of {@code version} matched its label, then rolls back if due.
   *
   * @return whether this sample caused a rollback
   */
  @Override
  public synchronized boolean record(int version, boolean hit) {
    LiveAccuracy current = live.computeIfAbsent(version, v -> new LiveAccuracy(window));
    current.record(hit);
    if (rolledBack.contains(version)) {
      return false;
    }
    List<Integer> history = store.promotionHistory(name);
    if (history.size() < 2 || history.get(history.size() - 1) != version) {
      return false; // not the promoted version, or nothing to return to
    }
    int predecessor = history.get(history.size() - 2);
    double before = liveAccuracy(predecessor);
    if (!policy.shouldRollBack(before, current)) {
      return false;
    }
    int restored = store.rollback(name);
    rolledBack.add(version);
    String reason =
        String.format(
            Locale.ROOT,
            "live accuracy of v%d %.3f fell below v%d's %.3f by more than %.3f",
            version,
            current.accuracy(),
            predecessor,
            before,
            policy.maxDrop());
    LOG.warn("rolled {} back to v{}: {}", name, restored, reason);
    events.accept(
        ModelVersion.newBuilder()
            .setModelName(name)
            .setVersion(restored)
            .setStatus(ModelStatus.ROLLED_BACK)
            .setReason(reason)
            .setMetrics(
                Map.of(
                    "live_accuracy_rolled_back",
                    current.accuracy(),
                    "live_accuracy_restored",
                    before))
            .setEventTime(Instant.now())
            .build());
    return true;
  }
}
