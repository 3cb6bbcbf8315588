package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LiveAccuracyTest {

  @Test
  void shouldBeNanBeforeAnyLabel() {
    assertThat(new LiveAccuracy(10).accuracy()).isNaN();
  }

  @Test
  void shouldForgetOutcomesOlderThanTheWindow() {
    LiveAccuracy live = new LiveAccuracy(4);
    for (int i = 0; i < 4; i++) {
      live.record(false);
    }
    assertThat(live.accuracy()).isEqualTo(0.0);

    live.record(true);
    live.record(true);
    live.record(true);

    assertThat(live.count()).isEqualTo(4);
    assertThat(live.accuracy()).isCloseTo(0.75, within(1e-12));
  }

  @Test
  void shouldComeBackFromItsBytesAsItWas() {
    // Given a window that has wrapped round
    LiveAccuracy live = new LiveAccuracy(3);
    live.record(true);
    live.record(false);
    live.record(true);
    live.record(false);

    // When it is stored and read back, then one more outcome arrives in both
    LiveAccuracy back = LiveAccuracy.fromBytes(live.toBytes(), 3);
    live.record(true);
    back.record(true);

    // Then both agree; a window of another size starts afresh
    assertThat(back.count()).isEqualTo(live.count());
    assertThat(back.accuracy()).isEqualTo(live.accuracy());
    assertThat(LiveAccuracy.fromBytes(live.toBytes(), 5).count()).isZero();
  }
}
