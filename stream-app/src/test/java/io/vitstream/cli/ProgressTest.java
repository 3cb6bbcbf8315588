package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void shouldShowNoRateOnTheFirstUpdate() {
    // Given a bar over 1000 images
    StringWriter text = new StringWriter();
    var progress = new Progress(new PrintWriter(text), 1000);

    // When the first image is reported
    progress.update(1);

    // Then the bar shows no made-up rate (it showed 1000000000 img/s)
    assertThat(text.toString()).endsWith("1/1000 - img/s");
  }

  @Test
  void shouldMeasureTheRateFromTheFirstUpdate() {
    // Given 500 images 0.5 s after the first one
    // When the rate is computed
    // Then it is 1000 img/s
    assertThat(Progress.rate(500, 500_000_000L)).isEqualTo("1000");
    assertThat(Progress.rate(500, 1_000L)).isEqualTo("-");
    assertThat(Progress.rate(0, 1_000_000_000L)).isEqualTo("-");
  }
}
