package io.vitstream.batching;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A record waiting in the batch buffer, with what is needed to forward its result as if it had
 * never waited.
 *
 * @param key the record key
 * @param value the record value
 * @param timestamp the record timestamp, kept on the output
 * @param headers the record headers, kept on the output
 * @param enqueuedAtMs wall-clock time it entered the buffer
 */
record Buffered<K, V>(K key, V value, long timestamp, Headers headers, long enqueuedAtMs) {
  /** The record as it arrived. */
  Record<K, V> record() {
    return new Record<>(key, value, timestamp, headers);
  }
}
