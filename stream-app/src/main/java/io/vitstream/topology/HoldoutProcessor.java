package io.vitstream.topology;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Keeps the holdout examples, oldest first, dropping those beyond {@code maxCount} and those older
 * than {@code maxAge} (by record time) as new ones arrive.
 */
final class HoldoutProcessor implements Processor<String, Example, Void, Void> {
  private final int maxCount;
  private final Duration maxAge;
  private Fifo holdout;

  HoldoutProcessor(int maxCount, Duration maxAge) {
    this.maxCount = maxCount;
    this.maxAge = maxAge;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    holdout = new Fifo(context.getStateStore(FeedbackTopology.HOLDOUT_STORE));
  }

  @Override
  public void process(Record<String, Example> record) {
    byte[] example = record.value().stored();
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
