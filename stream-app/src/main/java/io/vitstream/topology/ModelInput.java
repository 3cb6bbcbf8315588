package io.vitstream.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A preprocessed image, as the batch buffer holds it.
 *
 * @param imageId the event's image id
 * @param eventTimeMs the event's time
 * @param values the model input, (C, S, S) floats
 */
record ModelInput(String imageId, long eventTimeMs, float[] values) {

  /** The changelog format: event time, id length and UTF-8 id, then the floats. */
  static Serde<ModelInput> serde() {
    return Serdes.serdeFrom(
        (topic, m) -> {
          if (m == null) {
            return null;
          }
          byte[] id = m.imageId().getBytes(StandardCharsets.UTF_8);
          ByteBuffer out = ByteBuffer.allocate(8 + 4 + id.length + 4 * m.values().length);
          out.putLong(m.eventTimeMs()).putInt(id.length).put(id);
          out.asFloatBuffer().put(m.values());
          return out.array();
        },
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          ByteBuffer in = ByteBuffer.wrap(bytes);
          long eventTime = in.getLong();
          byte[] id = new byte[in.getInt()];
          in.get(id);
          float[] values = new float[in.remaining() / 4];
          in.asFloatBuffer().get(values);
          return new ModelInput(new String(id, StandardCharsets.UTF_8), eventTime, values);
        });
  }
}
