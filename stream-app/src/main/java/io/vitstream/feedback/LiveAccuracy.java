package io.vitstream.feedback;

import java.nio.ByteBuffer;

/**
 * The rolling agreement of a model version's predictions with the labels that arrive for them, over
 * the last {@code window} labelled predictions.
 */
public final class LiveAccuracy {
  private final boolean[] hits;
  private int next;
  private int count;
  private int correct;

  public LiveAccuracy(int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1, got " + window);
    }
    hits = new boolean[window];
  }

  /** Records whether a prediction matched its label. */
  public synchronized void record(boolean hit) {
    if (count == hits.length) {
      correct -= hits[next] ? 1 : 0;
    } else {
      count++;
    }
    hits[next] = hit;
    correct += hit ? 1 : 0;
    next = (next + 1) % hits.length;
  }

  /** Labelled predictions in the window. */
  public synchronized int count() {
    return count;
  }

  /** Correct predictions in the window. */
  public synchronized int correct() {
    return correct;
  }

  /** Accuracy over the window, or NaN before the first label. */
  public synchronized double accuracy() {
    return count == 0 ? Double.NaN : (double) correct / count;
  }

  /** The window as bytes, for a state store. */
  public synchronized byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(16 + hits.length);
    b.putInt(hits.length).putInt(next).putInt(count).putInt(correct);
    for (boolean h : hits) {
      b.put((byte) (h ? 1 : 0));
    }
    return b.array();
  }

  /**
   * A window read back from {@link #toBytes}; an empty one of {@code window} when there are no
   * bytes or they hold a window of another size.
   */
  public static LiveAccuracy fromBytes(byte[] bytes, int window) {
    LiveAccuracy a = new LiveAccuracy(window);
    if (bytes == null) {
      return a;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (b.getInt() != window) {
      return a;
    }
    a.next = b.getInt();
    a.count = b.getInt();
    a.correct = b.getInt();
    for (int i = 0; i < window; i++) {
      a.hits[i] = b.get() == 1;
    }
    return a;
  }
}
