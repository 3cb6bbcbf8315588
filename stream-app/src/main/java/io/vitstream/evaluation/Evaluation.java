package io.vitstream.evaluation;

import io.vitstream.dataset.LabeledImages;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * The result of evaluating a classifier.
 *
 * @param count images evaluated
 * @param accuracy fraction classified correctly
 * @param perClassAccuracy recall of each class, by label index (NaN for a class with no image)
 * @param confusion counts, {@code confusion.get(true).get(predicted)}
 * @param imagesPerSecond forward-pass throughput, including batch assembly
 * @param correct which images were classified correctly, by index in the evaluated set (for paired
 *     comparisons of two models on the same images)
 */
public record Evaluation(
    int count,
    double accuracy,
    List<Double> perClassAccuracy,
    List<List<Integer>> confusion,
    double imagesPerSecond,
    BitSet correct) {

  public Evaluation {
    perClassAccuracy = List.copyOf(perClassAccuracy);
    confusion = confusion.stream().map(List::copyOf).toList();
    correct = (BitSet) correct.clone();
  }

  /** Which images were classified correctly (a copy). */
  @Override
  public BitSet correct() {
    return (BitSet) correct.clone();
  }

  /** Whether image {@code i} of the evaluated set was classified correctly. */
  public boolean correct(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("image " + i + " of " + count);
    }
    return correct.get(i);
  }

  /** Like the record's, with the number of correct images instead of their indices. */
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "Evaluation[count=%d, accuracy=%s, perClassAccuracy=%s, confusion=%s, imagesPerSecond=%s,"
            + " correct=%d]",
        count,
        accuracy,
        perClassAccuracy,
        confusion,
        imagesPerSecond,
        correct.cardinality());
  }

  /**
   * The evaluation of answers {@code predicted} to {@code data}'s images, image by image.
   *
   * @param seconds the time the answers took, for the throughput
   * @throws IllegalArgumentException when an answer or a label is outside the classes
   */
  public static Evaluation of(LabeledImages data, int[] predicted, int classes, double seconds) {
    if (predicted.length != data.count()) {
      throw new IllegalArgumentException(
          predicted.length + " answers for " + data.count() + " images");
    }
    int[][] confusion = new int[classes][classes];
    BitSet right = new BitSet(data.count());
    for (int i = 0; i < predicted.length; i++) {
      int label = data.label(i);
      if (label >= classes || predicted[i] < 0 || predicted[i] >= classes) {
        throw new IllegalArgumentException(
            "image "
                + i
                + ": label "
                + label
                + " or answer "
                + predicted[i]
                + " outside the model's "
                + classes
                + " classes");
      }
      confusion[label][predicted[i]]++;
      right.set(i, label == predicted[i]);
    }
    return of(confusion, right, seconds);
  }

  /** Builds an evaluation from a confusion matrix and the images classified correctly. */
  static Evaluation of(int[][] confusion, BitSet right, double seconds) {
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
    return new Evaluation(
        total, accuracy, perClass, rows, seconds > 0 ? total / seconds : 0, right);
  }
}
