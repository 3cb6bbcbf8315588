package io.vitstream.adapt;

/**
 * An expert that is an exact symmetry T of the base expert (an adapter whose start was kept), and
 * where the examples hold originals and their T-transformed copies: its losses there are the base
 * expert's, read across, and need no forward pass. On a transformed copy T(o) it answers as the
 * base expert on o; on an original o, when T is its own inverse, as the base expert on T(o).
 *
 * @param expert the symmetric expert
 * @param originalsFrom the first original
 * @param transformedFrom the first transformed copy, in the originals' order
 * @param count how many originals
 * @param involution whether T is its own inverse
 */
public record MirroredExpert(
    int expert, int originalsFrom, int transformedFrom, int count, boolean involution) {

  boolean covers(int row) {
    return (row >= transformedFrom && row < transformedFrom + count)
        || (involution && row >= originalsFrom && row < originalsFrom + count);
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
      }
    }
  }
}
