package io.vitstream.demo;

import ai.djl.Device;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.avro.Prediction;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.store.ModelStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The drift demo's accounting: accuracy windows and the summary. */
final class DriftSummary {
  private DriftSummary() {}

  /** A received prediction: its image's index and whether it was right. */
  record Seen(int index, Prediction prediction, boolean correct) {}

  /** A prediction's version and output time. */
  record Output(int version, long atMs) {}

  /**
   * The gap in output time at the last swap to {@code finalVersion}: from the last output of any
   * other version to the first output of the final version after it (a version promoted and then
   * rolled back to the final one is part of the story, not the swap). NaN when no other version
   * answered.
   */
  static double swapPauseMs(List<Output> outputs, int finalVersion) {
    long lastOther = -1;
    for (Output o : outputs) {
      lastOther = o.version() != finalVersion ? Math.max(lastOther, o.atMs()) : lastOther;
    }
    long firstAfter = -1;
    for (Output o : outputs) {
      if (o.version() == finalVersion
          && o.atMs() >= lastOther
          && (firstAfter < 0 || o.atMs() < firstAfter)) {
        firstAfter = o.atMs();
      }
    }
    return lastOther < 0 || firstAfter < 0 ? Double.NaN : firstAfter - lastOther;
  }

  /** A label sent back: when, and for which image index. */
  record Sent(long atMs, int index) {}

  static DriftWindow window(List<Seen> part, DriftDemo.Options o, int first) {
    int correct = 0;
    int drifted = 0;
    Map<Integer, Integer> byVersion = new TreeMap<>();
    for (Seen s : part) {
      correct += s.correct() ? 1 : 0;
      drifted += s.index() >= o.driftAfter() ? 1 : 0;
      byVersion.merge(s.prediction().getModelVersion(), 1, Integer::sum);
    }
    StringBuilder versions = new StringBuilder();
    byVersion.forEach(
        (v, n) -> versions.append(versions.length() == 0 ? "" : "+").append('v').append(v));
    return new DriftWindow(
        first, part.size(), correct, versions.toString(), 2 * drifted > part.size());
  }

  static DriftResult summarize(
      DriftDemo.Options o,
      ModelStore store,
      String name,
      int champion,
      LabeledImages original,
      List<DriftResult.Arrival> arrivals,
      List<Seen> seen,
      List<Sent> sentAt) {
    long labelsSent = sentAt.size();
    int finalVersion =
        seen.isEmpty() ? champion : seen.get(seen.size() - 1).prediction().getModelVersion();
    int[] pre = new int[2];
    int[] before = new int[2];
    int[] after = new int[2];
    long labelsAtFinal = -1;
    for (Seen s : seen) {
      int v = s.prediction().getModelVersion();
      int[] bucket =
          s.index() < o.driftAfter()
              ? pre
              : v == champion ? before : v == finalVersion ? after : null;
      if (bucket != null) {
        bucket[0]++;
        bucket[1] += s.correct() ? 1 : 0;
      }
    }
    double fineTuneSeconds = 0;
    long postDriftToFirst = -1;
    for (DriftResult.Arrival a : arrivals) {
      ModelVersion e = a.version();
      fineTuneSeconds += e.getMetrics().getOrDefault("training_seconds", 0.0);
      long t = e.getEventTime().toEpochMilli();
      if (e.getStatus() == ModelStatus.PROMOTED && e.getVersion() == finalVersion) {
        labelsAtFinal = sentAt.stream().filter(s -> s.atMs() < t).count();
      }
      long drifted =
          sentAt.stream().filter(s -> s.atMs() < t && s.index() >= o.driftAfter()).count();
      if (e.getStatus() == ModelStatus.PROMOTED && drifted > 0 && postDriftToFirst < 0) {
        postDriftToFirst = drifted;
      }
    }
    List<Output> outputs =
        seen.stream()
            .map(
                s ->
                    new Output(
                        s.prediction().getModelVersion(),
                        s.prediction().getOutputTime().toEpochMilli()))
            .toList();
    return new DriftResult(
        windows(seen, o),
        List.copyOf(arrivals),
        seen.size(),
        ratio(pre),
        ratio(before),
        finalVersion == champion ? Double.NaN : ratio(after),
        champion,
        finalVersion,
        labelsAtFinal < 0 ? labelsSent : labelsAtFinal,
        labelsSent,
        postDriftToFirst,
        fineTuneSeconds,
        finalVersion == champion ? Double.NaN : swapPauseMs(outputs, finalVersion),
        Double.NaN,
        originalAccuracy(store, name, champion, original),
        originalAccuracy(store, name, finalVersion, original));
  }

  private static List<DriftWindow> windows(List<Seen> seen, DriftDemo.Options o) {
    List<DriftWindow> out = new ArrayList<>();
    for (int i = 0; i < seen.size(); i += o.window()) {
      out.add(window(seen.subList(i, Math.min(seen.size(), i + o.window())), o, i));
    }
    return out;
  }

  private static double ratio(int[] b) {
    return b[0] == 0 ? Double.NaN : (double) b[1] / b[0];
  }

  private static double originalAccuracy(
      ModelStore store, String name, int version, LabeledImages original) {
    return new Evaluator(256).evaluate(store, name, version, Device.cpu(), original).accuracy();
  }
}
