package io.vitstream.topology;

import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's promotions still in effect, oldest first, the last being the one served; learnt from
 * the model-versions topic (and from the loop's own rollback decisions). At most {@link #MAX} are
 * kept.
 */
record Promotions(List<Integer> history) {
  static final int MAX = 16;

  Promotions {
    history = List.copyOf(history);
  }

  static Promotions fromBytes(byte[] bytes) {
    List<Integer> h = new ArrayList<>();
    if (bytes != null) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.remaining() >= 4) {
        h.add(b.getInt());
      }
    }
    return new Promotions(h);
  }

  byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(4 * history.size());
    history.forEach(b::putInt);
    return b.array();
  }

  /** The version served, or 0 when unknown. */
  int current() {
    return history.isEmpty() ? 0 : history.get(history.size() - 1);
  }

  /** The version promoted before the current one, or 0 when none. */
  int predecessor() {
    return history.size() < 2 ? 0 : history.get(history.size() - 2);
  }

  /**
   * The history after an event. Applying an event twice changes nothing more: a promotion of the
   * current version and a rollback to it are no-ops.
   */
  Promotions apply(ModelVersion event) {
    List<Integer> h = new ArrayList<>(history);
    int v = event.getVersion();
    if (event.getStatus() == ModelStatus.PROMOTED && current() != v) {
      if (h.isEmpty() && event.getParentVersion() != null && event.getParentVersion() > 0) {
        h.add(event.getParentVersion());
      }
      h.add(v);
    } else if (event.getStatus() == ModelStatus.ROLLED_BACK && current() != v) {
      if (h.contains(v)) {
        while (h.get(h.size() - 1) != v) {
          h.remove(h.size() - 1);
        }
      } else {
        h.clear();
        h.add(v);
      }
    }
    return new Promotions(h.size() > MAX ? h.subList(h.size() - MAX, h.size()) : h);
  }
}
