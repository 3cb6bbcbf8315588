package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HoldoutSplitTest {

  @Test
  void shouldHoldOutTheConfiguredShareOfIds() {
    HoldoutSplit split = new HoldoutSplit(0.2);

    long held = IntStream.range(0, 20_000).filter(i -> split.isHoldout("img-" + i)).count();

    assertThat(held / 20_000.0).isBetween(0.18, 0.22);
  }

  @Test
  void shouldPutTheSameIdOnTheSameSideEveryTime() {
    HoldoutSplit a = new HoldoutSplit(0.5);
    HoldoutSplit b = new HoldoutSplit(0.5);

    for (int i = 0; i < 1000; i++) {
      assertThat(a.isHoldout("id-" + i)).isEqualTo(b.isHoldout("id-" + i));
    }
  }

  @Test
  void shouldHoldOutNothingAtZeroAndRefuseOne() {
    HoldoutSplit none = new HoldoutSplit(0);

    assertThat(IntStream.range(0, 1000).anyMatch(i -> none.isHoldout("x" + i))).isFalse();
    assertThatThrownBy(() -> new HoldoutSplit(1)).hasMessageContaining("[0, 1)");
  }
}
