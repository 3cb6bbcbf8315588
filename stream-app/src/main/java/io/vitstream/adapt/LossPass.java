package io.vitstream.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vitstream.dataset.BatchAssembler;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.ParallelBatches;
import io.vitstream.training.Cancellation;
import io.vitstream.vit.RouterNet;
import io.vitstream.vit.VitModel;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The router fit's pass over its examples: the router's features, and every expert's loss and hit
 * per example. An expert runs only on the rows whose answers are not known otherwise: the base
 * expert's on the originals from earlier fits ({@link BaseLossCache}), a mirrored expert's from the
 * base expert's ({@link MirroredExpert}), and losses an earlier pass of the same run measured
 * ({@link Known}, e.g. the adapter's screening).
 */
final class LossPass {
  /**
   * An expert's losses on consecutive examples, measured before the pass. They carry no hits: give
   * them only for rows outside the originals, whose hits bound the base expert's bias.
   *
   * @param expert the expert
   * @param from the first of the rows
   * @param loss one loss per row
   */
  record Known(int expert, int from, double[] loss) {}

  /**
   * What the pass need not measure.
   *
   * @param originals where the router's originals sit among the examples, whose base answers {@link
   *     BaseLossCache} keeps across fits
   * @param known losses measured earlier in the run
   */
  record Prior(List<BaseLossCache.Segment> originals, List<Known> known) {
    static final Prior NONE = new Prior(List.of(), List.of());
  }

  /** Features (n * F), the preprocessed images (n * length) and each expert's answers. */
  record Measured(float[] features, float[] images, float[][] loss, boolean[][] correct) {}

  private final ParallelBatches passes = ParallelBatches.ofCores();
  private final BaseLossCache baseLosses;
  private final Cancellation cancellation;

  LossPass(BaseLossCache baseLosses, Cancellation cancellation) {
    this.baseLosses = baseLosses;
    this.cancellation = cancellation;
  }

  Measured measure(
      VitModel model,
      LabeledImages data,
      Preprocessing preprocessing,
      int experts,
      Optional<MirroredExpert> mirror,
      Prior prior) {
    List<BaseLossCache.Segment> originals = prior.originals();
    List<Known> known = prior.known();
    int n = data.count();
    String basePath = originals.isEmpty() ? "" : BaseLossCache.basePathDigest(model);
    boolean[][] skip = new boolean[experts][];
    skip[0] = baseLosses.known(basePath, originals, n);
    for (int e = 1; e < experts; e++) {
      skip[e] = new boolean[n];
    }
    mirror.ifPresent(
        mr -> {
          boolean[] rows = mr.rows(n);
          for (int row = 0; row < n; row++) {
            skip[mr.expert()][row] |= rows[row];
          }
        });
    for (Known k : known) {
      Arrays.fill(skip[k.expert()], k.from(), k.from() + k.loss().length, true);
    }
    BatchAssembler assembler = new BatchAssembler(data, preprocessing, 0, false);
    int[] order = IntStream.range(0, n).toArray();
    int length = data.imageLength();
    int f = RouterNet.statisticsCount(model.config());
    float[][] loss = new float[experts][n];
    boolean[][] correct = new boolean[experts][n];
    float[] features = new float[n * f];
    float[] images = new float[n * length];
    int size = RouterTrainer.BATCH;
    // each batch writes only its own rows
    passes.forEach(
        (n + size - 1) / size,
        b -> {
          cancellation.check();
          int from = b * size;
          int count = Math.min(size, n - from);
          float[] pixels = new float[size * length];
          assembler.images(order, from, count, null, pixels);
          System.arraycopy(pixels, 0, images, from * length, count * length);
          int[] labels = assembler.labels(order, from, count);
          try (NDManager batch = model.newBatchManager()) {
            NDArray x = BaseLossCache.input(batch, pixels, size, data, count);
            float[] stats = model.router(x).orElseThrow().get(0).toFloatArray();
            System.arraycopy(stats, 0, features, from * f, count * f);
            for (int e = 0; e < experts; e++) {
              int[] rows = unknown(skip[e], from, count);
              if (rows.length == 0) {
                continue; // filled below
              }
              NDArray xe = x;
              int[] y = labels;
              if (rows.length < count) {
                long[] offsets = new long[rows.length];
                y = new int[rows.length];
                for (int i = 0; i < rows.length; i++) {
                  offsets[i] = rows[i] - from;
                  y[i] = labels[rows[i] - from];
                }
                xe = x.get(batch.create(offsets));
              }
              BaseLossCache.measure(model, e, xe, y, rows, loss[e], correct[e]);
            }
          }
        });
    baseLosses.fillAndKeep(basePath, originals, loss[0], correct[0]);
    mirror.ifPresent(mr -> mr.fill(loss, correct));
    for (Known k : known) {
      for (int i = 0; i < k.loss().length; i++) {
        loss[k.expert()][k.from() + i] = (float) k.loss()[i];
      }
    }
    return new Measured(features, images, loss, correct);
  }

  /** The rows of {@code from .. from + count - 1} not marked in {@code skip}. */
  private static int[] unknown(boolean[] skip, int from, int count) {
    return IntStream.range(from, from + count).filter(row -> !skip[row]).toArray();
  }
}
