package io.vitstream.evaluation;

import java.util.ArrayList;
import java.util.List;

/**
 * The result of evaluating a classifier.
 *
 * @param count images evaluated
 * @param accuracy fraction classified correctly
 * @param perClassAccuracy recall of each class, by label index (NaN for a class with no image)
 * @param confusion counts, {@code confusion.get(true).get(predicted)}
 * @param imagesPerSecond forward-pass throughput, including batch assembly
 */
public record Evaluation(
    int count,
    double accuracy,
    List<Double> perClassAccuracy,
    List<List<Integer>> confusion,
    double imagesPerSecond) {

  public Evaluation {
    perClassAccuracy = List.copyOf(perClassAccuracy);
    confusion = confusion.stream().map(List::copyOf).toList();
  }

  /** Builds an evaluation from a confusion matrix. */
  static Evaluation of(int[][] confusion, double seconds) {
    int total = 0;
    int correct = 0;
    List<Double> perClass = new ArrayList<>();
    List<List<Integer>> rows = new ArrayList<>();
    for (int t = 0; t < confusion.length; t++) {
      int rowTotal = 0;
      List<Integer> row = new ArrayList<>();
      for (int p = 0; p < confusion[t].length; p++) {
        rowTotal += confusion[t][p];
        row.add(confusion[t][p]);
      }
      rows.add(row);
      total += rowTotal;
      correct += confusion[t][t];
      perClass.add(rowTotal == 0 ? Double.NaN : (double) confusion[t][t] / rowTotal);
    }
    double accuracy = total == 0 ? Double.NaN : (double) correct / total;
    return new Evaluation(total, accuracy, perClass, rows, seconds > 0 ? total / seconds : 0);
  }
}
