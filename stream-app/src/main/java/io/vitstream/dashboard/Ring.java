package io.vitstream.dashboard;

import java.util.ArrayDeque;
import java.util.List;

/** The last {@code capacity} values added; older ones fall off. Not thread-safe. */
final class Ring<T> {
  private final int capacity;
  private final ArrayDeque<T> values;

  Ring(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.values = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  void add(T value) {
    if (values.size() == capacity) {
      values.removeFirst();
    }
    values.addLast(value);
  }

  /** Oldest first. */
  List<T> toList() {
    return List.copyOf(values);
  }

  T last() {
    return values.peekLast();
  }

  boolean isEmpty() {
    return values.isEmpty();
  }
}
