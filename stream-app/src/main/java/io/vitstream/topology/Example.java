package io.vitstream.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A labelled image joined to its prediction, on its way from the join to the trainer.
 *
 * @param imageId the image's id
 * @param label the true class index
 * @param pixels the image's pixels in the model's channels, HWC
 * @param modelName the model that predicted it; empty when no prediction was found
 * @param modelVersion the version that predicted it; 0 when none
 * @param hit whether the prediction's top class was the label
 */
record Example(
    String imageId, int label, byte[] pixels, String modelName, int modelVersion, boolean hit) {

  /** Whether a prediction was found for the image. */
  boolean scored() {
    return modelVersion > 0;
  }

  /** One label byte followed by the pixels: how the holdout, fresh and replay stores keep it. */
  byte[] stored() {
    byte[] out = new byte[1 + pixels.length];
    out[0] = (byte) label;
    System.arraycopy(pixels, 0, out, 1, pixels.length);
    return out;
  }

  static Serde<Example> serde() {
    return Serdes.serdeFrom((topic, e) -> e == null ? null : encode(e), (topic, b) -> decode(b));
  }

  private static byte[] encode(Example e) {
    var bytes = new ByteArrayOutputStream(32 + e.pixels.length);
    try (var out = new DataOutputStream(bytes)) {
      out.writeUTF(e.imageId);
      out.writeInt(e.label);
      out.writeUTF(e.modelName);
      out.writeInt(e.modelVersion);
      out.writeBoolean(e.hit);
      out.writeInt(e.pixels.length);
      out.write(e.pixels);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return bytes.toByteArray();
  }

  private static Example decode(byte[] b) {
    if (b == null) {
      return null;
    }
    try (var in = new DataInputStream(new ByteArrayInputStream(b))) {
      String id = in.readUTF();
      int label = in.readInt();
      String model = in.readUTF();
      int version = in.readInt();
      boolean hit = in.readBoolean();
      byte[] pixels = new byte[in.readInt()];
      in.readFully(pixels);
      return new Example(id, label, pixels, model, version, hit);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
