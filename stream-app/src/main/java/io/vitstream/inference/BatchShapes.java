package io.vitstream.inference;

import java.util.ArrayList;
import java.util.List;

/**
 * The few batch sizes the model ever runs with: powers of two below the maximum, and the maximum. A
 * batch is padded up to the next one, because on the CPU every new input shape grows PyTorch's
 * native caches (pytorch#32596).
 */
public final class BatchShapes {
  private final List<Integer> sizes;

  /**
   * @param maxBatchSize the largest batch, at least 1
   */
  public BatchShapes(int maxBatchSize) {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("max batch size must be >= 1, got " + maxBatchSize);
    }
    List<Integer> s = new ArrayList<>();
    for (int p = 1; p < maxBatchSize; p *= 2) {
      s.add(p);
    }
    s.add(maxBatchSize);
    this.sizes = List.copyOf(s);
  }

  /** The shapes, ascending. */
  public List<Integer> sizes() {
    return sizes;
  }

  /** The largest shape. */
  public int max() {
    return sizes.get(sizes.size() - 1);
  }

  /**
   * The smallest shape that holds {@code n} images.
   *
   * @throws IllegalArgumentException when n is not in [1, max]
   */
  public int padTo(int n) {
    for (int size : sizes) {
      if (size >= n) {
        if (n < 1) {
          break;
        }
        return size;
      }
    }
    throw new IllegalArgumentException("batch of " + n + " is not in [1, " + max() + "]");
  }
}
