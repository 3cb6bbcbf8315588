package io.vitstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.demo.DriftSummary.Output;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftSummaryTest {
  @Test
  void shouldMeasureTheSwapPauseFromTheOldVersionsLastOutputToTheNewOnesFirst() {
    // Given v4 answering until 1,000 ms and v5 from 1,030 ms (a batch of v4 still in flight at
    // 1,010)
    List<Output> outputs =
        List.of(
            new Output(4, 900),
            new Output(4, 1000),
            new Output(5, 990),
            new Output(4, 1010),
            new Output(5, 1030),
            new Output(5, 1060));

    // Then the pause is from v4's last output to v5's first after it
    assertThat(DriftSummary.swapPauseMs(outputs, 5)).isEqualTo(20);
  }

  @Test
  void shouldMeasureTheLastSwapWhenANewerVersionWasRolledBackToTheFinalOne() {
    // Given v5 from 1,000 ms, v6 from 2,000 ms, and a rollback to v5 at 3,000 ms
    List<Output> outputs =
        List.of(
            new Output(4, 950),
            new Output(5, 1000),
            new Output(5, 1900),
            new Output(6, 2000),
            new Output(6, 2950),
            new Output(5, 3040));

    // Then the pause is the rollback's (v6's last output to v5's first after it), never negative
    assertThat(DriftSummary.swapPauseMs(outputs, 5)).isEqualTo(90);
  }

  @Test
  void shouldHaveNoSwapPauseWhenOneVersionAnsweredEverything() {
    assertThat(DriftSummary.swapPauseMs(List.of(new Output(5, 1), new Output(5, 2)), 5)).isNaN();
  }
}
