package io.vitstream.topology;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the holdout examples, oldest first, dropping those beyond {@code maxCount} and those older
 * than {@code maxAge} (by record time) as new ones arrive, and counts in the trigger store those
 * the serving version got wrong (the trigger resets the count at each run): the evidence a gate
 * decision on the holdout will have.
 */
final class HoldoutProcessor implements Processor<String, Example, Void, Void> {
  private final int maxCount;
  private final Duration maxAge;
  static final String MISSES = "holdout-misses";

  private Fifo holdout;
  private KeyValueStore<String, byte[]> trigger;

  HoldoutProcessor(int maxCount, Duration maxAge) {
    this.maxCount = maxCount;
    this.maxAge = maxAge;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    holdout = new Fifo(context.getStateStore(FeedbackTopology.HOLDOUT_STORE));
    trigger = context.getStateStore(FeedbackTopology.TRIGGER_STORE);
  }

  /** Holdout images the serving version got wrong since the count was last reset. */
  static int misses(KeyValueStore<String, byte[]> trigger) {
    byte[] b = trigger.get(MISSES);
    return b == null ? 0 : ByteBuffer.wrap(b).getInt();
  }

  @Override
  public void process(Record<String, Example> record) {
    byte[] example = record.value().stored();
    if (record.value().scored() && !record.value().hit()) {
      trigger.put(MISSES, ByteBuffer.allocate(4).putInt(misses(trigger) + 1).array());
    }
    holdout.append(
        ByteBuffer.allocate(8 + example.length).putLong(record.timestamp()).put(example).array());
    while (holdout.size() > maxCount) {
      holdout.dropOldest();
    }
    long oldest = record.timestamp() - maxAge.toMillis();
    for (byte[] e = holdout.oldest(); e != null && timestamp(e) < oldest; e = holdout.oldest()) {
      holdout.dropOldest();
    }
  }

  static long timestamp(byte[] entry) {
    return ByteBuffer.wrap(entry).getLong();
  }

  /** The stored example (label byte, then pixels) of an entry. */
  static byte[] example(byte[] entry) {
    byte[] out = new byte[entry.length - 8];
    System.arraycopy(entry, 8, out, 0, out.length);
    return out;
  }
}
