package io.vitstream.batching;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Buffers records in a changelogged store and hands them to a {@link BatchHandler} in batches: when
 * {@code maxBatchSize} are buffered, or on a wall-clock punctuation once the oldest has waited
 * {@code maxDelay}. Each result is forwarded with its input's key, timestamp and headers, then the
 * input is deleted from the buffer.
 *
 * <p>The buffer is keyed by the input offset (the topology has one source topic, so a task reads
 * one partition), so a record replayed after a crash overwrites its earlier copy instead of being
 * buffered twice. On restore, the counters are rebuilt from the store and overdue records flush at
 * the next tick. {@link #close()} only cancels the punctuator: what is buffered stays in the store.
 */
final class MicroBatchProcessor<K, V, R> implements Processor<K, V, K, R> {
  private final String storeName;
  private final BatchPolicy policy;
  private final BatchHandler<V, R> handler;
  private ProcessorContext<K, R> context;
  private KeyValueStore<Long, Buffered<K, V>> store;
  private Cancellable punctuator;
  private int size;
  private long oldestEnqueuedMs;

  MicroBatchProcessor(String storeName, BatchPolicy policy, BatchHandler<V, R> handler) {
    this.storeName = storeName;
    this.policy = policy;
    this.handler = handler;
  }

  @Override
  public void init(ProcessorContext<K, R> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    recount();
    punctuator = context.schedule(policy.tick(), PunctuationType.WALL_CLOCK_TIME, this::onTick);
  }

  @Override
  public void process(Record<K, V> record) {
    long offset =
        context
            .recordMetadata()
            .map(RecordMetadata::offset)
            .orElseThrow(() -> new IllegalStateException("batching needs records from a topic"));
    long now = context.currentSystemTimeMs();
    if (store.get(offset) == null) {
      size++;
      oldestEnqueuedMs = Math.min(oldestEnqueuedMs, now);
    }
    store.put(
        offset,
        new Buffered<>(record.key(), record.value(), record.timestamp(), record.headers(), now));
    while (size >= policy.maxBatchSize()) {
      flushOne();
    }
  }

  private void onTick(long now) {
    while (size > 0 && now - oldestEnqueuedMs >= policy.maxDelay().toMillis()) {
      flushOne();
    }
  }

  /** Runs the handler on up to maxBatchSize of the oldest records and forwards the results. */
  private void flushOne() {
    List<KeyValue<Long, Buffered<K, V>>> batch = new ArrayList<>(policy.maxBatchSize());
    try (KeyValueIterator<Long, Buffered<K, V>> it = store.all()) {
      while (it.hasNext() && batch.size() < policy.maxBatchSize()) {
        batch.add(it.next());
      }
    }
    List<V> values = new ArrayList<>(batch.size());
    batch.forEach(kv -> values.add(kv.value.value()));
    List<R> results = handler.handle(values, context.currentSystemTimeMs());
    if (results.size() != values.size()) {
      throw new IllegalStateException(
          "batch handler returned " + results.size() + " results for " + values.size() + " inputs");
    }
    for (int i = 0; i < batch.size(); i++) {
      context.forward(batch.get(i).value.record().withValue(results.get(i)));
      store.delete(batch.get(i).key);
    }
    recount();
  }

  /** Rebuilds the size and the oldest enqueue time from the store (at most one batch or so). */
  private void recount() {
    size = 0;
    oldestEnqueuedMs = Long.MAX_VALUE;
    try (KeyValueIterator<Long, Buffered<K, V>> it = store.all()) {
      while (it.hasNext()) {
        size++;
        oldestEnqueuedMs = Math.min(oldestEnqueuedMs, it.next().value.enqueuedAtMs());
      }
    }
  }

  @Override
  public void close() {
    if (punctuator != null) {
      punctuator.cancel();
    }
  }
}
