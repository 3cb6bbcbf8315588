package io.vitstream.topology;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Remembers each image's raw event bytes by image id, with its arrival time, so that feedback can
 * find it; a wall-clock punctuation deletes those older than the retention. Events larger than
 * {@code maxValueBytes} are not remembered.
 */
final class RecentImagesProcessor implements Processor<String, byte[], Void, Void> {
  private final String storeName;
  private final Duration retention;
  private final int maxValueBytes;
  private KeyValueStore<String, byte[]> store;
  private ProcessorContext<Void, Void> context;

  RecentImagesProcessor(String storeName, Duration retention, int maxValueBytes) {
    this.storeName = storeName;
    this.retention = retention;
    this.maxValueBytes = maxValueBytes;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    Duration every =
        retention.compareTo(Duration.ofMinutes(1)) < 0 ? retention : Duration.ofMinutes(1);
    context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null || record.value() == null || record.value().length > maxValueBytes) {
      return; // feedback for an image that was never remembered is dead-lettered as unknown
    }
    store.put(record.key(), stamp(context.currentSystemTimeMs(), record.value()));
  }

  private void expire(long nowMs) {
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        if (isExpired(kv.value, nowMs, retention)) {
          old.add(kv.key);
        }
      }
    }
    old.forEach(store::delete);
  }

  static byte[] stamp(long timeMs, byte[] value) {
    return ByteBuffer.allocate(8 + value.length).putLong(timeMs).put(value).array();
  }

  static boolean isExpired(byte[] stamped, long nowMs, Duration retention) {
    return nowMs - ByteBuffer.wrap(stamped).getLong() > retention.toMillis();
  }

  static byte[] unstamp(byte[] stamped) {
    byte[] out = new byte[stamped.length - 8];
    System.arraycopy(stamped, 8, out, 0, out.length);
    return out;
  }
}
