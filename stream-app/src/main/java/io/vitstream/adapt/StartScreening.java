package io.vitstream.adapt;

import ai.djl.ndarray.NDManager;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.image.Preprocessing;
import io.vitstream.vit.VitModel;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Scores the adapter's starting points on the screened labels in two rounds (successive halving):
 * every start on the {@link #FIRST_ROUND} images the served version explains worst, where a start
 * can make a difference (a start scores the lower of its loss and the served version's per image,
 * see {@link AdapterTrainer#mixture}), then the identity and the {@link #FINALISTS} best of the
 * others on the remaining images. The served version and sixteen starts made seventeen passes over
 * the (up to 384) screened images; now they make about seven, and six when the served version has
 * no adapters (its pass is then the identity's). Screening was a third of the first run after a
 * drift, on its critical path.
 */
final class StartScreening {
  /** Images every start is scored on. */
  static final int FIRST_ROUND = 64;

  /** Starts besides the identity that go on to the second round. */
  static final int FINALISTS = 3;

  private final Evaluator evaluator;
  private final int firstRound;
  private final Runnable beforePass;

  StartScreening(Evaluator evaluator) {
    this(evaluator, FIRST_ROUND, () -> {});
  }

  /**
   * @param firstRound images every start is scored on; at least the screened count scores every
   *     start on every image
   * @param beforePass runs before each start's pass; may throw to stop (a pre-emption)
   */
  StartScreening(Evaluator evaluator, int firstRound, Runnable beforePass) {
    this.evaluator = evaluator;
    this.firstRound = firstRound;
    this.beforePass = beforePass;
  }

  /**
   * The screening's result.
   *
   * @param losses per start, its mixture loss on all screened images; infinite for one that did not
   *     reach the second round
   * @param each per start, its per-image losses on all screened images; {@code null} for one that
   *     did not reach the second round
   */
  record Scores(double[] losses, double[][] each) {}

  /**
   * Scores {@code starts}, setting each one's embedding into {@code work} in turn.
   *
   * @param served the served version's per-image losses on {@code screen}
   * @param servedIsIdentity whether the served version has no adapters: its forward pass is then
   *     the identity start's, and the identity takes {@code served} as its losses instead of
   *     running again
   */
  Scores score(
      VitModel work,
      PatchEmbeddingWeights base,
      List<InputSymmetry> starts,
      LabeledImages screen,
      double[] served,
      boolean servedIsIdentity,
      Preprocessing preprocessing,
      NDManager tmp) {
    int n = screen.count();
    int[] worstFirst =
        IntStream.range(0, n)
            .boxed()
            .sorted(Comparator.comparingDouble((Integer i) -> -served[i]))
            .mapToInt(Integer::intValue)
            .toArray();
    boolean halving = starts.size() > FINALISTS + 1 && n > firstRound;
    int[] first = halving ? Arrays.copyOf(worstFirst, firstRound) : worstFirst;
    int[] rest = halving ? Arrays.copyOfRange(worstFirst, firstRound, n) : new int[0];
    double[][] each = new double[starts.size()][];
    double[] firstRound = new double[starts.size()];
    int known = servedIsIdentity ? starts.indexOf(InputSymmetry.IDENTITY) : -1;
    for (int s = 0; s < starts.size(); s++) {
      each[s] = s == known ? served.clone() : new double[n];
      if (s != known) {
        scatter(
            losses(work, base, starts.get(s), screen, first, preprocessing, tmp), first, each[s]);
      }
      firstRound[s] = AdapterTrainer.mixture(pick(served, first), pick(each[s], first));
    }
    boolean[] finalist = finalists(starts, firstRound, halving);
    double[] total = new double[starts.size()];
    for (int s = 0; s < starts.size(); s++) {
      if (!finalist[s]) {
        each[s] = null;
        total[s] = Double.POSITIVE_INFINITY;
        continue;
      }
      if (rest.length > 0 && s != known) {
        scatter(losses(work, base, starts.get(s), screen, rest, preprocessing, tmp), rest, each[s]);
      }
      total[s] = AdapterTrainer.mixture(served, each[s]);
    }
    return new Scores(total, each);
  }

  /** The identity and the {@link #FINALISTS} lowest first-round losses among the others. */
  static boolean[] finalists(List<InputSymmetry> starts, double[] firstRound, boolean halving) {
    boolean[] out = new boolean[starts.size()];
    if (!halving) {
      Arrays.fill(out, true);
      return out;
    }
    int[] best =
        IntStream.range(0, starts.size())
            .filter(s -> !starts.get(s).equals(InputSymmetry.IDENTITY))
            .boxed()
            .sorted(Comparator.comparingDouble((Integer s) -> firstRound[s]))
            .limit(FINALISTS)
            .mapToInt(Integer::intValue)
            .toArray();
    for (int s : best) {
      out[s] = true;
    }
    int identity = starts.indexOf(InputSymmetry.IDENTITY);
    if (identity >= 0) {
      out[identity] = true;
    }
    return out;
  }

  private double[] losses(
      VitModel work,
      PatchEmbeddingWeights base,
      InputSymmetry start,
      LabeledImages screen,
      int[] rows,
      Preprocessing preprocessing,
      NDManager tmp) {
    beforePass.run();
    work.setWeights(start.transform(base, preprocessing).arrays("", tmp));
    LabeledImages part = screen.select(rows);
    return AdapterTrainer.losses(
        evaluator.probabilities(work, part, preprocessing), part, work.config().numClasses());
  }

  private static void scatter(double[] values, int[] rows, double[] into) {
    for (int i = 0; i < rows.length; i++) {
      into[rows[i]] = values[i];
    }
  }

  private static double[] pick(double[] values, int[] rows) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = values[rows[i]];
    }
    return out;
  }
}
