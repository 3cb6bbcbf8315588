package io.vitstream.dashboard;

import io.vitstream.avro.ModelVersion;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Model-version events as chart markers whose hover text carries the gate's metrics. */
final class Markers {
  private Markers() {}

  static Snapshot.Marker of(ModelVersion v) {
    StringBuilder text = new StringBuilder();
    text.append(v.getStatus()).append(" v").append(v.getVersion());
    if (v.getParentVersion() != null) {
      text.append(" (parent v").append(v.getParentVersion()).append(')');
    }
    if (v.getFeedbackCount() != null) {
      text.append(", ").append(v.getFeedbackCount()).append(" examples");
    }
    if (v.getReason() != null) {
      text.append(": ").append(v.getReason());
    }
    for (Map.Entry<String, Double> m : new TreeMap<>(v.getMetrics()).entrySet()) {
      text.append(String.format(Locale.ROOT, "\n%s = %.4f", m.getKey(), m.getValue()));
    }
    return new Snapshot.Marker(
        v.getEventTime().toEpochMilli(),
        v.getStatus().name().toLowerCase(Locale.ROOT),
        v.getVersion(),
        text.toString());
  }
}
