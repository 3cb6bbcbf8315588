package io.vitstream.topology;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A first-in, first-out queue kept in a key-value store, so that it is logged and restored with it:
 * entries under {@code e/<16 hex digits of a sequence>}, the head and tail sequences under {@code
 * m/head} and {@code m/tail}. Appending and dropping the oldest touch one entry; nothing scans the
 * store but {@link #values}.
 */
final class Fifo {
  private static final String HEAD = "m/head";
  private static final String TAIL = "m/tail";
  private final KeyValueStore<String, byte[]> store;

  Fifo(KeyValueStore<String, byte[]> store) {
    this.store = store;
  }

  long size() {
    return read(TAIL) - read(HEAD);
  }

  void append(byte[] value) {
    long tail = read(TAIL);
    store.put(key(tail), value);
    write(TAIL, tail + 1);
  }

  /** The oldest value, or null when empty. */
  byte[] oldest() {
    long head = read(HEAD);
    return head == read(TAIL) ? null : store.get(key(head));
  }

  void dropOldest() {
    long head = read(HEAD);
    if (head < read(TAIL)) {
      store.delete(key(head));
      write(HEAD, head + 1);
    }
  }

  /** Every value, oldest first. */
  List<byte[]> values() {
    List<byte[]> out = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.range(key(read(HEAD)), key(Long.MAX_VALUE))) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        out.add(kv.value);
      }
    }
    return out;
  }

  void clear() {
    while (size() > 0) {
      dropOldest();
    }
  }

  private static String key(long sequence) {
    return String.format(Locale.ROOT, "e/%016x", sequence);
  }

  private long read(String key) {
    byte[] b = store.get(key);
    return b == null ? 0 : ByteBuffer.wrap(b).getLong();
  }

  private void write(String key, long value) {
    store.put(key, ByteBuffer.allocate(8).putLong(value).array());
  }
}
