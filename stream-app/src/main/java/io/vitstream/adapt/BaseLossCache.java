package io.vitstream.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vitstream.dataset.BatchAssembler;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.ParallelBatches;
import io.vitstream.store.Sha256;
import io.vitstream.vit.VitModel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * The base expert's loss and hit on the router's original images, as they are and under each start
 * symmetry, kept across fine-tuning runs. The adapter method never changes the base path (encoder,
 * head and base embedding), and the original images are a fixed set, so these answers only change
 * when the base path does: each run after the first skips their forward passes (about a third of
 * the router's loss pass for a symmetric start). Bounded by the sixteen symmetries of one set.
 */
final class BaseLossCache {
  /** The base expert on one transformed copy of the originals, image by image. */
  record Block(float[] loss, boolean[] correct) {}

  private final ParallelBatches passes = ParallelBatches.ofCores();
  private String basePath = "";
  private LabeledImages originals;
  private final Map<InputSymmetry, Block> blocks = new HashMap<>();

  /** The base expert's answers on {@code s} applied to {@code originals}, if known. */
  synchronized Optional<Block> get(String basePath, LabeledImages originals, InputSymmetry s) {
    return sameSet(basePath, originals) ? Optional.ofNullable(blocks.get(s)) : Optional.empty();
  }

  /** Keeps the answers, forgetting those of another base path or another set of originals. */
  synchronized void put(String basePath, LabeledImages originals, InputSymmetry s, Block block) {
    if (!sameSet(basePath, originals)) {
      blocks.clear();
      this.basePath = basePath;
      this.originals = originals;
    }
    blocks.put(s, block);
  }

  /**
   * Where the originals sit among a fit's examples.
   *
   * @param originals the router's original images
   * @param symmetry how these rows transform them (the identity for the originals as they are)
   * @param from the first of their rows
   */
  record Segment(LabeledImages originals, InputSymmetry symmetry, int from) {}

  /** Which of {@code rows} examples have known base answers. */
  synchronized boolean[] known(String basePath, List<Segment> segments, int rows) {
    boolean[] known = new boolean[rows];
    for (Segment s : segments) {
      if (get(basePath, s.originals(), s.symmetry()).isPresent()) {
        java.util.Arrays.fill(known, s.from(), s.from() + s.originals().count(), true);
      }
    }
    return known;
  }

  /**
   * Writes the known base answers into {@code loss} and {@code correct} (the base expert's, by
   * example) and keeps those that were measured.
   */
  synchronized void fillAndKeep(
      String basePath, List<Segment> segments, float[] loss, boolean[] correct) {
    for (Segment s : segments) {
      int n = s.originals().count();
      Optional<Block> block = get(basePath, s.originals(), s.symmetry());
      if (block.isPresent()) {
        System.arraycopy(block.get().loss(), 0, loss, s.from(), n);
        System.arraycopy(block.get().correct(), 0, correct, s.from(), n);
      } else {
        float[] l = java.util.Arrays.copyOfRange(loss, s.from(), s.from() + n);
        boolean[] c = java.util.Arrays.copyOfRange(correct, s.from(), s.from() + n);
        put(basePath, s.originals(), s.symmetry(), new Block(l, c));
      }
    }
  }

  /**
   * Runs expert {@code expert} on a batch and writes its loss and hit per image at {@code rows}
   * (one per image).
   */
  static void measure(
      VitModel model,
      int expert,
      NDArray x,
      int[] labels,
      int[] rows,
      float[] loss,
      boolean[] correct) {
    NDArray picked =
        x.getManager()
            .create(labels)
            .toType(DataType.INT64, false)
            .oneHot(model.config().numClasses());
    NDArray logits = model.forwardExpert(x, expert);
    long[] predicted = logits.argMax(1).toLongArray();
    float[] l = logits.logSoftmax(1).mul(picked).sum(new int[] {1}).neg().toFloatArray();
    for (int i = 0; i < labels.length; i++) {
      correct[rows[i]] = predicted[i] == labels[i];
      loss[rows[i]] = l[i];
    }
  }

  /**
   * The first {@code count} images of a batch of {@code pixels}, assembled at the batch's padded
   * {@code size} (one shape for every batch of a pass) in {@code batch}.
   */
  static NDArray input(NDManager batch, float[] pixels, int size, LabeledImages data, int count) {
    return batch
        .create(pixels, new Shape(size, data.channels(), data.rows(), data.cols()))
        .get("0:" + count);
  }

  /**
   * Measures the base expert's answers on {@code s} applied to {@code originals}, unless known, so
   * that the fits to come read them instead of running them on their critical path.
   *
   * @param model any version with the base path of those fits (e.g. the champion)
   * @param stop polled between batches: true to give up, keeping nothing
   * @return whether the answers are known now
   */
  boolean warm(
      VitModel model,
      LabeledImages originals,
      InputSymmetry s,
      Preprocessing preprocessing,
      int batchSize,
      BooleanSupplier stop) {
    String basePath = basePathDigest(model);
    int n = originals.count();
    if (n == 0 || get(basePath, originals, s).isPresent()) {
      return n > 0;
    }
    LabeledImages images = s.equals(InputSymmetry.IDENTITY) ? originals : s.apply(originals);
    BatchAssembler assembler = new BatchAssembler(images, preprocessing, 0, false);
    int[] order = IntStream.range(0, n).toArray();
    float[] loss = new float[n];
    boolean[] correct = new boolean[n];
    AtomicBoolean stopped = new AtomicBoolean();
    passes.forEach(
        (n + batchSize - 1) / batchSize,
        b -> {
          if (stopped.get() || stop.getAsBoolean()) {
            stopped.set(true);
            return;
          }
          int from = b * batchSize;
          int count = Math.min(batchSize, n - from);
          float[] pixels = new float[batchSize * images.imageLength()];
          assembler.images(order, from, count, null, pixels);
          int[] labels = assembler.labels(order, from, count);
          try (NDManager batch = model.newBatchManager()) {
            NDArray x = input(batch, pixels, batchSize, images, count);
            int[] rows = IntStream.range(from, from + count).toArray();
            measure(model, 0, x, labels, rows, loss, correct);
          }
        });
    if (stopped.get()) {
      return false;
    }
    put(basePath, originals, s, new Block(loss, correct));
    return true;
  }

  private boolean sameSet(String basePath, LabeledImages originals) {
    return this.basePath.equals(basePath) && this.originals == originals;
  }

  /** A digest of the model's base path: its parameters' names and values. */
  static String basePathDigest(VitModel model) {
    MessageDigest digest = Sha256.digest();
    for (Map.Entry<String, NDArray> e : AdapterTrainer.basePath(model).entrySet()) {
      digest.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      digest.update(e.getValue().toByteArray());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
