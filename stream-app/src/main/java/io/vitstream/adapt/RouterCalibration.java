package io.vitstream.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.vitstream.dataset.BatchAssembler;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.image.Preprocessing;
import io.vitstream.training.Cancellation;
import io.vitstream.vit.VitModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Sets how much a fitted router raises the base expert's score, on original images that took no
 * part in its fit. Few originals leave the base path (about 1 %), so the router's held-out fifth
 * (800 of 4,000) holds only a handful of them, and reads low: for three quarter-turn routers at
 * raises of 0 to 3, 0.25–1.13 % of it left the base path, against 0.43–1.98 % of 10,000 unseen
 * training images and 0.36–1.84 % of the gate's 5,000 test images; the smallest raise its one or
 * two losses allowed cost 0.72–0.88 % of the regression set in the drift demo. Calibration scores
 * {@value #IMAGES} unseen originals with the router alone (cheap), runs the base and the chosen
 * expert only on those routed off the base at no raise, and takes the smallest raise whose loss on
 * them has an upper 95% bound within {@link #MAX_LOSS_BOUND}: on the same routers 32–35 of 10,000
 * were lost, and 0.20–0.38 % of the regression set.
 */
final class RouterCalibration {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(RouterCalibration.class);

  /** Originals to calibrate on: enough that the bound rests on tens of losses, not one or two. */
  static final int IMAGES = 10_000;

  /**
   * The upper 95% Wilson bound of the share of originals the router may cost (the base expert
   * right, the chosen expert wrong): half the gate's default one-point tolerance, so its own bound
   * over 5,000 regression images keeps room for their sampling error (36 of 10,000 pass).
   */
  static final double MAX_LOSS_BOUND = 0.005;

  private static final int BATCH = 256;

  /** The batch of the experts' forwards on the images that leave the base path. */
  private static final int FORWARD_BATCH = 32;

  private RouterCalibration() {}

  /**
   * An original image that leaves the base path at no raise: its index, the expert it goes to, by
   * how much that expert's score beats the base's, and its normalised pixels.
   */
  private record Leaving(int index, int expert, float margin, float[] pixels) {}

  /**
   * The raise for {@code model}'s router (as fitted, with no raise yet) on {@code originals}.
   *
   * @param cancellation checked between batches
   */
  static RouterTrainer.Bias bias(
      VitModel model,
      LabeledImages originals,
      Preprocessing preprocessing,
      Cancellation cancellation) {
    long start = System.nanoTime();
    int n = originals.count();
    int length = originals.imageLength();
    BatchAssembler assembler = new BatchAssembler(originals, preprocessing, 0, false);
    int[] order = IntStream.range(0, n).toArray();
    float[] pixels = new float[BATCH * length];
    List<Leaving> leaving = new ArrayList<>();
    for (int from = 0; from < n; from += BATCH) {
      cancellation.check();
      int count = Math.min(BATCH, n - from);
      assembler.images(order, from, count, null, pixels);
      try (NDManager batch = model.newBatchManager()) {
        NDArray x = BaseLossCache.input(batch, pixels, BATCH, originals, count);
        float[] scores =
            model.router(x).orElseThrow().get(1).toType(DataType.FLOAT32, false).toFloatArray();
        int experts = scores.length / count;
        for (int i = 0; i < count; i++) {
          int best = 1;
          for (int e = 2; e < experts; e++) {
            best = scores[i * experts + e] > scores[i * experts + best] ? e : best;
          }
          float margin = scores[i * experts + best] - scores[i * experts];
          if (margin > 0) {
            leaving.add(
                new Leaving(
                    from + i,
                    best,
                    margin,
                    Arrays.copyOfRange(pixels, i * length, (i + 1) * length)));
          }
        }
      }
    }
    boolean[] lost = lost(model, originals, leaving, cancellation);
    int allowed = RouterTrainer.allowedLosses(n, MAX_LOSS_BOUND);
    float raise = 0;
    while (raise < RouterTrainer.MAX_BIAS && cost(leaving, lost, raise) > allowed) {
      raise += RouterTrainer.BIAS_STEP;
    }
    RouterTrainer.Bias chosen = new RouterTrainer.Bias(raise, cost(leaving, lost, raise), n);
    LOG.info(
        String.format(
            java.util.Locale.ROOT,
            "router calibrated on %d unseen originals in %.1f s: %d leave the base path at no"
                + " raise; a raise of %.2f costs %d (at most %d allowed)",
            n,
            (System.nanoTime() - start) / 1e9,
            leaving.size(),
            chosen.value(),
            chosen.lost(),
            allowed));
    return chosen;
  }

  /**
   * Whether each leaving image is one the router costs: the base expert gets it right and the
   * chosen expert does not. Both run in padded batches of one shape.
   */
  private static boolean[] lost(
      VitModel model, LabeledImages originals, List<Leaving> leaving, Cancellation cancellation) {
    int length = originals.imageLength();
    boolean[] lost = new boolean[leaving.size()];
    float[] pixels = new float[FORWARD_BATCH * length];
    for (int from = 0; from < leaving.size(); from += FORWARD_BATCH) {
      cancellation.check();
      int count = Math.min(FORWARD_BATCH, leaving.size() - from);
      for (int i = 0; i < count; i++) {
        System.arraycopy(leaving.get(from + i).pixels(), 0, pixels, i * length, length);
      }
      try (NDManager batch = model.newBatchManager()) {
        NDArray x = BaseLossCache.input(batch, pixels, FORWARD_BATCH, originals, FORWARD_BATCH);
        long[] base = model.forwardExpert(x, 0).argMax(1).toLongArray();
        Map<Integer, long[]> chosen = new HashMap<>();
        for (int i = 0; i < count; i++) {
          Leaving l = leaving.get(from + i);
          long[] answers =
              chosen.computeIfAbsent(
                  l.expert(), e -> model.forwardExpert(x, e).argMax(1).toLongArray());
          int label = originals.label(l.index());
          lost[from + i] = base[i] == label && answers[i] != label;
        }
      }
    }
    return lost;
  }

  /** The leaving images the router still costs with the base expert raised by {@code raise}. */
  private static int cost(List<Leaving> leaving, boolean[] lost, float raise) {
    int cost = 0;
    for (int i = 0; i < leaving.size(); i++) {
      cost += lost[i] && leaving.get(i).margin() > raise ? 1 : 0;
    }
    return cost;
  }
}
