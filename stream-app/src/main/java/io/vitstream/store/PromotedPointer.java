package io.vitstream.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The store's {@code <name>/promoted.json}: the promoted version and the versions promoted before
 * it, oldest first, so that a rollback restores the previous one.
 *
 * @param promoted the serving version
 * @param history every promotion still in effect, the last equal to {@code promoted}
 */
record PromotedPointer(int promoted, List<Integer> history) {
  PromotedPointer {
    history = List.copyOf(history);
  }

  PromotedPointer promote(int version) {
    List<Integer> next = new ArrayList<>(history);
    next.add(version);
    return new PromotedPointer(version, next);
  }

  /** The pointer after a rollback; the caller checks that there is an earlier version. */
  PromotedPointer rollback() {
    List<Integer> next = new ArrayList<>(history.subList(0, history.size() - 1));
    return new PromotedPointer(next.get(next.size() - 1), next);
  }
}
