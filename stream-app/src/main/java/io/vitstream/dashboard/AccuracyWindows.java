package io.vitstream.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Accuracy per window of {@code size} labelled predictions. Not thread-safe. */
final class AccuracyWindows {
  private final int size;
  private final Ring<Snapshot.Window> closed;
  private final TreeSet<Integer> versions = new TreeSet<>();
  private long first;
  private int count;
  private int correct;
  private long lastMs;

  AccuracyWindows(int size, int capacity) {
    if (size < 1) {
      throw new IllegalArgumentException("window must be >= 1 prediction, got " + size);
    }
    this.size = size;
    this.closed = new Ring<>(capacity);
  }

  void add(boolean right, int version, long tMs) {
    count++;
    correct += right ? 1 : 0;
    versions.add(version);
    lastMs = tMs;
    if (count == size) {
      closed.add(open(true));
      first += count;
      count = 0;
      correct = 0;
      versions.clear();
    }
  }

  /** Closed windows, then the open one if it has any prediction. */
  List<Snapshot.Window> windows() {
    List<Snapshot.Window> all = new ArrayList<>(closed.toList());
    if (count > 0) {
      all.add(open(false));
    }
    return all;
  }

  /** The last complete window's accuracy, else the open one's; NaN before any prediction. */
  double latest() {
    if (!closed.isEmpty()) {
      return closed.last().accuracy();
    }
    return count == 0 ? Double.NaN : (double) correct / count;
  }

  private Snapshot.Window open(boolean complete) {
    StringBuilder v = new StringBuilder();
    for (int version : versions) {
      v.append(v.length() == 0 ? "v" : ",v").append(version);
    }
    return new Snapshot.Window(
        lastMs, first, count, correct, (double) correct / count, complete, v.toString());
  }
}
