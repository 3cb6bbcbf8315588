package io.vitstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitstream.image.ImagePreprocessor;
import io.vitstream.image.RawImage;
import io.vitstream.inference.ServingModel;
import io.vitstream.testing.TestImages;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The batch buffer's changelog format, and the float format earlier versions wrote. */
class ModelInputTest {
  private static ServingModel model;

  @BeforeAll
  static void load() {
    model = TestImages.fixtureModel();
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void shouldRoundTripPixelsAtAQuarterOfTheFloatBytes() {
    // Given a 28x28 gray image
    byte[] data = new byte[28 * 28];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7);
    }
    var in = new ModelInput("img-1", 1234L, new RawImage(28, 28, 1, data));

    // When it goes through the changelog format
    byte[] bytes = ModelInput.serde().serializer().serialize("t", in);
    ModelInput out = ModelInput.serde().deserializer().deserialize("t", bytes);

    // Then it comes back whole, in about a quarter of the bytes of its float input
    assertThat(out.imageId()).isEqualTo("img-1");
    assertThat(out.eventTimeMs()).isEqualTo(1234L);
    assertThat(out.pixels().pixels()).containsExactly(data);
    assertThat(bytes.length).isLessThan(28 * 28 * 4 / 3);
  }

  @Test
  void shouldReplayARecordBufferedAsFloatsByAnEarlierVersion() {
    // Given a record in the earlier float format (event time, id, then the model input)
    float[] values = new float[model.inputLength()];
    for (int i = 0; i < values.length; i++) {
      values[i] = i / 100f;
    }
    byte[] id = "old".getBytes(StandardCharsets.UTF_8);
    ByteBuffer legacy = ByteBuffer.allocate(8 + 4 + id.length + 4 * values.length);
    legacy.putLong(1_700_000_000_000L).putInt(id.length).put(id);
    legacy.asFloatBuffer().put(values);

    // When it is read back and prepared for the model
    ModelInput in = ModelInput.serde().deserializer().deserialize("t", legacy.array());
    float[] out = new float[model.inputLength()];
    in.write(model, new ImagePreprocessor(model.preprocessing()), out);

    // Then the model gets exactly the floats that were buffered
    assertThat(in.imageId()).isEqualTo("old");
    assertThat(in.eventTimeMs()).isEqualTo(1_700_000_000_000L);
    assertThat(out).containsExactly(values);
    // and a model of another size is refused by name instead of being fed the wrong floats
    assertThatThrownBy(
            () -> in.write(model, new ImagePreprocessor(model.preprocessing()), new float[3]))
        .hasMessageContaining("buffered as " + values.length + " floats");
  }
}
