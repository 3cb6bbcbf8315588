package io.vitstream.batching;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * A micro-batching processor and its buffer store. Add it with {@code topology.addProcessor(name,
 * supplier, parent)}: the supplier connects its own store.
 *
 * <p>The store is persistent (RocksDB), not in memory, for recovery: Kafka Streams keeps its
 * process id, and so its transactional ids, in the state directory only when the topology has a
 * persistent store. A restarted instance then fences its dead predecessor's open transaction at
 * once, instead of leaving {@code read_committed} readers blocked until the broker times it out (10
 * to 20 s).
 *
 * @param <K> record key
 * @param <V> buffered value
 * @param <R> result per value, forwarded downstream
 */
public final class MicroBatching<K, V, R> implements ProcessorSupplier<K, V, K, R> {
  /**
   * Changelog topic settings: small segments so that compaction can drop flushed entries, and
   * tombstones kept only 10 minutes, so a restore replays little more than what is buffered.
   */
  static final Map<String, String> CHANGELOG_CONFIG =
      Map.of("segment.bytes", "16777216", "segment.ms", "600000", "delete.retention.ms", "600000");

  private final String storeName;
  private final BatchPolicy policy;
  private final Serde<Buffered<K, V>> serde;
  private final BatchHandler<V, R> handler;
  private final LongAdder buffered;

  /**
   * The thread batches run on when the policy keeps batches in flight: one for the whole topology,
   * so that the tasks' forward passes take turns instead of splitting the cores; it ends itself
   * after a minute without work.
   */
  private final ThreadPoolExecutor executor;

  /**
   * @param storeName the buffer store's name (its changelog is {@code <app id>-<name>-changelog})
   * @param policy when to flush
   * @param keySerde and {@code valueSerde}: how buffered records are written to the changelog
   * @param handler the batch call; shared by every task, so it must be thread-safe
   */
  public MicroBatching(
      String storeName,
      BatchPolicy policy,
      Serde<K> keySerde,
      Serde<V> valueSerde,
      BatchHandler<V, R> handler) {
    this(storeName, policy, keySerde, valueSerde, handler, new LongAdder());
  }

  /**
   * @param buffered counts the records buffered and not yet handed to the handler, over all tasks
   *     (each task adds what it buffers and removes)
   */
  public MicroBatching(
      String storeName,
      BatchPolicy policy,
      Serde<K> keySerde,
      Serde<V> valueSerde,
      BatchHandler<V, R> handler,
      LongAdder buffered) {
    this.buffered = buffered;
    this.storeName = storeName;
    this.policy = policy;
    this.serde = BufferedSerde.of(keySerde, valueSerde);
    this.handler = handler;
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "batch-" + storeName);
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  @Override
  public Processor<K, V, K, R> get() {
    return new MicroBatchProcessor<>(storeName, policy, handler, Optional.of(executor), buffered);
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    StoreBuilder<KeyValueStore<Long, Buffered<K, V>>> builder =
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.Long(), serde)
            .withLoggingEnabled(CHANGELOG_CONFIG)
            .withCachingDisabled();
    return Set.of(builder);
  }
}
