package io.vitstream.batching;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The buffer's changelog format: timestamp, enqueue time, headers, then length-prefixed key and
 * value in their own serdes (length -1 for null).
 */
final class BufferedSerde<K, V> {
  private BufferedSerde() {}

  static <K, V> Serde<Buffered<K, V>> of(Serde<K> keySerde, Serde<V> valueSerde) {
    Serializer<Buffered<K, V>> ser =
        (topic, b) -> {
          if (b == null) {
            return null;
          }
          byte[] k = keySerde.serializer().serialize(topic, b.key());
          byte[] v = valueSerde.serializer().serialize(topic, b.value());
          int size = 8 + 8 + 4 + sizeOf(k) + sizeOf(v);
          for (Header h : b.headers()) {
            size += sizeOf(h.key().getBytes(UTF_8));
            size += sizeOf(h.value());
          }
          ByteBuffer out = ByteBuffer.allocate(size);
          out.putLong(b.timestamp()).putLong(b.enqueuedAtMs());
          Header[] headers = b.headers().toArray();
          out.putInt(headers.length);
          for (Header h : headers) {
            put(out, h.key().getBytes(UTF_8));
            put(out, h.value());
          }
          put(out, k);
          put(out, v);
          return out.array();
        };
    Deserializer<Buffered<K, V>> de =
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          ByteBuffer in = ByteBuffer.wrap(bytes);
          long timestamp = in.getLong();
          long enqueued = in.getLong();
          Headers headers = new RecordHeaders();
          int n = in.getInt();
          for (int i = 0; i < n; i++) {
            headers.add(new String(get(in), UTF_8), get(in));
          }
          K key = keySerde.deserializer().deserialize(topic, get(in));
          V value = valueSerde.deserializer().deserialize(topic, get(in));
          return new Buffered<>(key, value, timestamp, headers, enqueued);
        };
    return Serdes.serdeFrom(ser, de);
  }

  private static int sizeOf(byte[] b) {
    return 4 + (b == null ? 0 : b.length);
  }

  private static void put(ByteBuffer out, byte[] b) {
    out.putInt(b == null ? -1 : b.length);
    if (b != null) {
      out.put(b);
    }
  }

  private static byte[] get(ByteBuffer in) {
    int len = in.getInt();
    if (len < 0) {
      return null;
    }
    byte[] b = new byte[len];
    in.get(b);
    return b;
  }
}
