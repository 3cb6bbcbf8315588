package io.vitstream.batching;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
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
 * {@code maxBatchSize} are buffered, or once the oldest has waited {@code maxDelay}: checked at
 * every record and on a wall-clock punctuation every {@code tick}, so that under load a batch does
 * not wait for the next tick. Each result is forwarded with its input's key, timestamp and headers,
 * then the input is deleted from the buffer.
 *
 * <p>With {@code maxInFlight > 0} and an executor, the handler runs off the stream thread: a full
 * batch is handed over and the stream thread goes on polling, decoding and buffering the next one.
 * Its results are forwarded, and its entries deleted, on the stream thread at the next record or
 * tick after it finished (in order, oldest batch first), so they commit in one transaction with the
 * deletes; a crash before that replays the batch from the changelog. At most {@code maxInFlight}
 * batches run at once; the stream thread waits for the oldest when one more is full, and a batch
 * that is only overdue waits for a free slot, filling meanwhile.
 *
 * <p>The buffer is keyed by the input offset (the topology has one source topic, so a task reads
 * one partition), so a record replayed after a crash overwrites its earlier copy instead of being
 * buffered twice. On restore, the counters are rebuilt from the store and overdue records flush at
 * the next tick. {@link #close()} only cancels the punctuator: what is buffered, in flight or not,
 * stays in the store.
 */
final class MicroBatchProcessor<K, V, R> implements Processor<K, V, K, R> {
  private final String storeName;
  private final BatchPolicy policy;
  private final BatchHandler<V, R> handler;
  private final Optional<Executor> executor;
  private final LongAdder buffered;
  private int reported; // this task's share of buffered
  private final Deque<InFlight<K, V, R>> inFlight = new ArrayDeque<>();
  private ProcessorContext<K, R> context;
  private KeyValueStore<Long, Buffered<K, V>> store;
  private Cancellable punctuator;
  private int pending;
  private long oldestPendingMs;
  private long lastTaken = -1;

  /** A batch handed to the executor: its buffer entries and its results to come. */
  private record InFlight<K, V, R>(
      List<KeyValue<Long, Buffered<K, V>>> entries, CompletableFuture<List<R>> results) {}

  /**
   * @param executor where handlers run when {@code policy.maxInFlight() > 0}; empty: on the stream
   *     thread
   * @param buffered where this task's pending count is added, for a gauge over all tasks
   */
  MicroBatchProcessor(
      String storeName,
      BatchPolicy policy,
      BatchHandler<V, R> handler,
      Optional<Executor> executor,
      LongAdder buffered) {
    this.buffered = buffered;
    this.storeName = storeName;
    this.policy = policy;
    this.handler = handler;
    this.executor = policy.maxInFlight() > 0 ? executor : Optional.empty();
  }

  @Override
  public void init(ProcessorContext<K, R> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    inFlight.clear();
    lastTaken = -1;
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
    if (offset <= lastTaken) {
      return; // already in a batch (a task's offsets only grow; restore resets lastTaken)
    }
    if (store.get(offset) == null) {
      pending++;
      oldestPendingMs = Math.min(oldestPendingMs, now);
      report();
    }
    store.put(
        offset,
        new Buffered<>(record.key(), record.value(), record.timestamp(), record.headers(), now));
    forwardFinished();
    while (pending >= policy.maxBatchSize()) {
      flushOne(now);
    }
    // under load a record comes before the next tick: an overdue batch need not wait for it
    flushOverdue(now);
  }

  private void onTick(long now) {
    forwardFinished();
    flushOverdue(now);
  }

  /**
   * Flushes while the oldest pending record waited {@code maxDelay}. An overdue batch waits for a
   * free slot instead of blocking the stream thread: it keeps filling meanwhile, as a dynamic
   * batcher fills while the model is busy.
   */
  private void flushOverdue(long now) {
    while (pending > 0 && now - oldestPendingMs >= policy.maxDelay().toMillis() && hasFreeSlot()) {
      flushOne(now);
    }
  }

  private boolean hasFreeSlot() {
    return executor.isEmpty() || inFlight.size() < policy.maxInFlight();
  }

  /** Takes up to maxBatchSize of the oldest pending records and runs or hands over the batch. */
  private void flushOne(long now) {
    List<KeyValue<Long, Buffered<K, V>>> batch = new ArrayList<>(policy.maxBatchSize());
    try (KeyValueIterator<Long, Buffered<K, V>> it = store.range(lastTaken + 1, Long.MAX_VALUE)) {
      while (it.hasNext() && batch.size() < policy.maxBatchSize()) {
        batch.add(it.next());
      }
    }
    List<V> values = new ArrayList<>(batch.size());
    batch.forEach(kv -> values.add(kv.value.value()));
    lastTaken = batch.get(batch.size() - 1).key;
    if (executor.isEmpty()) {
      forward(batch, handler.handle(values, now));
    } else {
      while (inFlight.size() >= policy.maxInFlight()) {
        forward(inFlight.removeFirst()); // wait for the oldest: backpressure on the stream thread
      }
      inFlight.addLast(
          new InFlight<>(
              batch,
              CompletableFuture.supplyAsync(() -> handler.handle(values, now), executor.get())));
    }
    recount();
  }

  /** Forwards every batch that finished, oldest first, stopping at the first still running. */
  private void forwardFinished() {
    while (!inFlight.isEmpty() && inFlight.peekFirst().results().isDone()) {
      forward(inFlight.removeFirst());
    }
  }

  private void forward(InFlight<K, V, R> batch) {
    try {
      forward(batch.entries(), batch.results().get());
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException("batch failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a batch", e);
    }
  }

  private void forward(List<KeyValue<Long, Buffered<K, V>>> batch, List<R> results) {
    if (results.size() != batch.size()) {
      throw new IllegalStateException(
          "batch handler returned " + results.size() + " results for " + batch.size() + " inputs");
    }
    for (int i = 0; i < batch.size(); i++) {
      context.forward(batch.get(i).value.record().withValue(results.get(i)));
      store.delete(batch.get(i).key);
    }
  }

  /** Rebuilds the pending count and their oldest enqueue time (at most a batch or two). */
  private void recount() {
    pending = 0;
    oldestPendingMs = Long.MAX_VALUE;
    try (KeyValueIterator<Long, Buffered<K, V>> it = store.range(lastTaken + 1, Long.MAX_VALUE)) {
      while (it.hasNext()) {
        pending++;
        oldestPendingMs = Math.min(oldestPendingMs, it.next().value.enqueuedAtMs());
      }
    }
    report();
  }

  private void report() {
    buffered.add(pending - reported);
    reported = pending;
  }

  @Override
  public void close() {
    if (punctuator != null) {
      punctuator.cancel();
    }
    inFlight.clear(); // their entries stay in the store: the task's next owner runs them again
    buffered.add(-reported);
    reported = 0;
  }
}
