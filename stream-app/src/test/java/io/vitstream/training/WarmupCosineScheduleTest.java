package io.vitstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WarmupCosineScheduleTest {
  private final WarmupCosineSchedule schedule = new WarmupCosineSchedule(1e-3f, 1e-5f, 10, 110, 0);

  @Test
  void shouldWarmUpLinearlyToThePeak() {
    assertThat(schedule.at(1)).isCloseTo(1e-4f, within(1e-9f));
    assertThat(schedule.at(5)).isCloseTo(5e-4f, within(1e-9f));
    assertThat(schedule.at(10)).isCloseTo(1e-3f, within(1e-9f));
  }

  @Test
  void shouldDecayAlongACosineToTheFloor() {
    assertThat(schedule.at(60)).isCloseTo((1e-3f + 1e-5f) / 2, within(1e-8f));
    assertThat(schedule.at(110)).isCloseTo(1e-5f, within(1e-9f));
    assertThat(schedule.at(500)).isCloseTo(1e-5f, within(1e-9f));
    assertThat(schedule.at(80)).isLessThan(schedule.at(70));
  }

  @Test
  void shouldContinueTheScheduleAfterAResume() {
    WarmupCosineSchedule resumed = new WarmupCosineSchedule(1e-3f, 1e-5f, 10, 110, 50);

    // The optimizer counts from 1 again after a restart; the offset keeps the position.
    assertThat(resumed.getNewValue(1)).isEqualTo(schedule.at(51));
  }
}
