package io.vitstream.feedback;

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

  /** Accuracy over the window, or NaN before the first label. */
  public synchronized double accuracy() {
    return count == 0 ? Double.NaN : (double) correct / count;
  }
}
