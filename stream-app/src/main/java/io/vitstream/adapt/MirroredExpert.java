package io.vitstream.adapt;

import java.util.Optional;

/**
 * An expert that is an exact symmetry T of the base expert (an adapter whose start was kept), and
 * where the examples hold originals and their T-transformed copies: its losses there are the base
 * expert's, read across, and need no forward pass. On a transformed copy T(o) it answers as the
 * base expert on o; on an original o as the base expert on T⁻¹(o): the transformed copies' rows
 * when T is its own inverse, else {@code inverse} when the base expert's answers on T⁻¹ of the
 * originals are known ({@link BaseLossCache}).
 *
 * @param expert the symmetric expert
 * @param originalsFrom the first original
 * @param transformedFrom the first transformed copy, in the originals' order
 * @param count how many originals
 * @param involution whether T is its own inverse
 * @param inverse the base expert on T⁻¹ of each original, if known
 * @param baseKnown whether the base expert's answers on the transformed copies were known before
 *     the pass (measured ahead), for the log
 */
public record MirroredExpert(
    int expert,
    int originalsFrom,
    int transformedFrom,
    int count,
    boolean involution,
    Optional<BaseLossCache.Block> inverse,
    boolean baseKnown) {

  /** An expert whose answers on the originals are read across only when T is its own inverse. */
  public MirroredExpert(
      int expert, int originalsFrom, int transformedFrom, int count, boolean involution) {
    this(expert, originalsFrom, transformedFrom, count, involution, Optional.empty(), false);
  }

  private boolean coversOriginals() {
    return involution || inverse.isPresent();
  }

  /** What the loss pass reads instead of running, for the log. */
  String describe() {
    return ", the adapter's read across from the base on the "
        + (coversOriginals() ? "turned and original images" : "turned images")
        + (baseKnown ? ", the base's on the turned images measured ahead" : "");
  }

  boolean covers(int row) {
    return (row >= transformedFrom && row < transformedFrom + count)
        || (coversOriginals() && row >= originalsFrom && row < originalsFrom + count);
  }

  /** Which of {@code n} examples it covers. */
  boolean[] rows(int n) {
    boolean[] rows = new boolean[n];
    for (int row = 0; row < n; row++) {
      rows[row] = covers(row);
    }
    return rows;
  }

  /** Copies the base expert's losses and hits into the expert's mirrored rows. */
  void fill(float[][] loss, boolean[][] correct) {
    for (int i = 0; i < count; i++) {
      loss[expert][transformedFrom + i] = loss[0][originalsFrom + i];
      correct[expert][transformedFrom + i] = correct[0][originalsFrom + i];
      if (involution) {
        loss[expert][originalsFrom + i] = loss[0][transformedFrom + i];
        correct[expert][originalsFrom + i] = correct[0][transformedFrom + i];
      } else if (inverse.isPresent()) {
        loss[expert][originalsFrom + i] = inverse.get().loss()[i];
        correct[expert][originalsFrom + i] = inverse.get().correct()[i];
      }
    }
  }
}
