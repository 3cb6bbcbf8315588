package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.dataset.LabeledImages;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class FineTuneRequestSerdeTest {
  private static LabeledImages images(int count, int channels) {
    byte[] pixels = new byte[count * 2 * 2 * channels];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) i;
    }
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (byte) (i % 3);
    }
    return new LabeledImages(count, 2, 2, channels, pixels, labels);
  }

  @Test
  void shouldRoundTripRgbImages() {
    var request = new FineTuneRequest(images(3, 3), images(1, 3), images(2, 3), "rgb");

    FineTuneRequest back = FineTuneRequestSerde.decode(FineTuneRequestSerde.encode(request));

    assertThat(back.fresh().channels()).isEqualTo(3);
    assertThat(back.fresh().pixels()).isEqualTo(request.fresh().pixels());
    assertThat(back.holdout().labels()).isEqualTo(request.holdout().labels());
    assertThat(back.feedback()).isEqualTo("rgb");
  }

  @Test
  void shouldStillReadAVersionOneRequestAsGray() throws IOException {
    // Given a request written before channels were on the wire
    LabeledImages gray = images(2, 1);
    var bytes = new ByteArrayOutputStream();
    try (var out = new DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeUTF("old");
      for (int set = 0; set < 3; set++) {
        out.writeInt(gray.count());
        out.writeInt(2);
        out.writeInt(2);
        out.write(gray.labels());
        out.write(gray.pixels());
      }
    }

    FineTuneRequest back = FineTuneRequestSerde.decode(bytes.toByteArray());

    assertThat(back.fresh()).usingRecursiveComparison().isEqualTo(gray);
    assertThat(back.feedback()).isEqualTo("old");
  }
}
