package io.vitstream.demo;

/** One window of predictions, in arrival order. */
public record DriftWindow(int first, int count, int correct, String versions, boolean drifted) {
  public double accuracy() {
    return count == 0 ? Double.NaN : (double) correct / count;
  }
}
