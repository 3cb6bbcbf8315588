package io.vitstream.topology;

import io.vitstream.image.ImagePreprocessor;
import io.vitstream.image.RawImage;
import io.vitstream.inference.ServingModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * An image as the batch buffer holds it: 8-bit pixels at the geometry of the model served when it
 * arrived. Normalisation, and a resize if the batch's model has another geometry, happen at batch
 * time under the batch's model lease, so a swap never runs an image prepared for another model.
 *
 * @param imageId the event's image id
 * @param eventTimeMs the event's time
 * @param pixels the image, resized and converted to the arrival-time model's size and channels;
 *     null only for a record buffered by a version that kept float input
 * @param legacyValues that version's model input, else null
 */
record ModelInput(String imageId, long eventTimeMs, RawImage pixels, float[] legacyValues) {
  /**
   * First byte of the pixel format. The float format began with a big-endian event time, whose
   * first byte is 0 until the year 2540.
   */
  private static final byte PIXELS = 2;

  ModelInput(String imageId, long eventTimeMs, RawImage pixels) {
    this(imageId, eventTimeMs, pixels, null);
  }

  /** The model input for {@code serving}, written at {@code out}. */
  void write(ServingModel serving, ImagePreprocessor preprocessor, float[] out) {
    if (pixels != null) {
      preprocessor.write(pixels, out, 0);
    } else if (legacyValues.length == out.length) {
      System.arraycopy(legacyValues, 0, out, 0, out.length);
    } else {
      throw new IllegalStateException(
          "image "
              + imageId
              + " was buffered as "
              + legacyValues.length
              + " floats by an older version; model "
              + serving.name()
              + " takes "
              + out.length);
    }
  }

  /**
   * The changelog format: a format byte, event time, id length and UTF-8 id, height, width,
   * channels, then the pixels (a quarter of the bytes of float input). The float format of earlier
   * versions is still read, so an upgrade keeps the images buffered at the time.
   */
  static Serde<ModelInput> serde() {
    return Serdes.serdeFrom(
        (topic, m) -> {
          if (m == null) {
            return null;
          }
          byte[] id = m.imageId().getBytes(StandardCharsets.UTF_8);
          RawImage p = m.pixels();
          return ByteBuffer.allocate(1 + 8 + 4 + id.length + 12 + p.pixels().length)
              .put(PIXELS)
              .putLong(m.eventTimeMs())
              .putInt(id.length)
              .put(id)
              .putInt(p.height())
              .putInt(p.width())
              .putInt(p.channels())
              .put(p.pixels())
              .array();
        },
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          ByteBuffer in = ByteBuffer.wrap(bytes);
          boolean pixels = in.get(0) == PIXELS;
          if (pixels) {
            in.get();
          }
          long eventTime = in.getLong();
          byte[] idBytes = new byte[in.getInt()];
          in.get(idBytes);
          String id = new String(idBytes, StandardCharsets.UTF_8);
          if (!pixels) {
            float[] values = new float[in.remaining() / 4];
            in.asFloatBuffer().get(values);
            return new ModelInput(id, eventTime, null, values);
          }
          int height = in.getInt();
          int width = in.getInt();
          int channels = in.getInt();
          byte[] data = new byte[in.remaining()];
          in.get(data);
          return new ModelInput(id, eventTime, new RawImage(height, width, channels, data));
        });
  }
}
