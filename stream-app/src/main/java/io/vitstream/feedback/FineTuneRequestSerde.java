package io.vitstream.feedback;

import io.vitstream.dataset.LabeledImages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The wire form of a {@link FineTuneRequest} on the fine-tuning request topic: a version byte, the
 * feedback line, then the fresh, replay and holdout images (count, rows, cols, channels, labels,
 * pixels), then whether it is urgent. Version 1, before channels, held grayscale images, and
 * version 2 had no urgency; both are still read.
 */
public final class FineTuneRequestSerde implements Serde<FineTuneRequest> {
  private static final int GRAY_VERSION = 1;
  private static final int CHANNELS_VERSION = 2;
  private static final int VERSION = 3;

  /**
   * The most bytes a request of these many examples of {@code side} x {@code side} x {@code
   * channels} takes.
   */
  public static long maxBytes(long examples, int side, int channels) {
    return 4096 + examples * (1L + (long) side * side * channels);
  }

  @Override
  public Serializer<FineTuneRequest> serializer() {
    return (topic, r) -> r == null ? null : encode(r);
  }

  @Override
  public Deserializer<FineTuneRequest> deserializer() {
    return (topic, b) -> b == null ? null : decode(b);
  }

  static byte[] encode(FineTuneRequest r) {
    var bytes = new ByteArrayOutputStream();
    try (var out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeUTF(r.feedback());
      for (LabeledImages images : new LabeledImages[] {r.fresh(), r.replay(), r.holdout()}) {
        out.writeInt(images.count());
        out.writeInt(images.rows());
        out.writeInt(images.cols());
        out.writeInt(images.channels());
        out.write(images.labels());
        out.write(images.pixels());
      }
      out.writeBoolean(r.urgent());
    } catch (IOException e) {
      throw new SerializationException("cannot encode a fine-tuning request", e);
    }
    return bytes.toByteArray();
  }

  static FineTuneRequest decode(byte[] b) {
    try (var in = new DataInputStream(new ByteArrayInputStream(b))) {
      int version = in.readByte();
      if (version != VERSION && version != CHANNELS_VERSION && version != GRAY_VERSION) {
        throw new SerializationException("unknown fine-tuning request version " + version);
      }
      String feedback = in.readUTF();
      LabeledImages[] sets = new LabeledImages[3];
      for (int i = 0; i < 3; i++) {
        int count = in.readInt();
        int rows = in.readInt();
        int cols = in.readInt();
        int channels = version == GRAY_VERSION ? 1 : in.readInt();
        byte[] labels = new byte[count];
        in.readFully(labels);
        byte[] pixels = new byte[count * rows * cols * channels];
        in.readFully(pixels);
        sets[i] = new LabeledImages(count, rows, cols, channels, pixels, labels);
      }
      boolean urgent = version == VERSION && in.readBoolean();
      return new FineTuneRequest(sets[0], sets[1], sets[2], feedback, urgent);
    } catch (IOException e) {
      throw new SerializationException("cannot decode a fine-tuning request", e);
    }
  }
}
