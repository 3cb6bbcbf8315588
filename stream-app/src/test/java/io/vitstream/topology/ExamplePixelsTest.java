package io.vitstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.image.RawImage;
import org.junit.jupiter.api.Test;

class ExamplePixelsTest {
  private static final RawImage RGB = new RawImage(1, 1, 3, new byte[] {30, 60, 90});
  private static final RawImage GRAY = new RawImage(1, 1, 1, new byte[] {(byte) 200});

  @Test
  void shouldKeepAGrayModelsExamplesAsTheMeanOverChannels() {
    assertThat(ExamplePixels.of(RGB, 1, 1)).isEqualTo(new byte[] {60});
    assertThat(ExamplePixels.of(GRAY, 1, 1)).isEqualTo(GRAY.pixels());
  }

  @Test
  void shouldKeepAnRgbModelsExamplesInThreeChannels() {
    assertThat(ExamplePixels.of(RGB, 1, 3)).isEqualTo(RGB.pixels());
    assertThat(ExamplePixels.of(GRAY, 1, 3))
        .isEqualTo(new byte[] {(byte) 200, (byte) 200, (byte) 200});
  }
}
