package io.vitstream.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Remembers each record's raw value by key at its timestamp, in a window store whose retention
 * expires it; values larger than {@code maxValueBytes} are not remembered.
 */
final class RememberProcessor implements Processor<String, byte[], Void, Void> {
  private final String storeName;
  private final int maxValueBytes;
  private WindowStore<String, byte[]> store;

  RememberProcessor(String storeName, int maxValueBytes) {
    this.storeName = storeName;
    this.maxValueBytes = maxValueBytes;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null || record.value() == null || record.value().length > maxValueBytes) {
      return; // feedback for an image that was never remembered is dead-lettered as unknown
    }
    store.put(record.key(), record.value(), record.timestamp());
  }
}
