package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.demo.Drift;
import org.junit.jupiter.api.Test;

/** {@code vitstream demo} flags that fail before anything starts. */
class DemoCommandTest {
  @Test
  void shouldRejectAnUnknownDriftWithOneLineListingTheValidNames() {
    // When
    CliRun run = CliRun.of("demo", "--drift", "snow", "--seed", "2");

    // Then
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err())
        .contains("unknown drift 'snow'")
        .contains(String.join(", ", Drift.names()));
  }

  @Test
  void shouldListTheDriftNamesInHelp() {
    CliRun run = CliRun.of("demo", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("shot-noise").contains("--seed").contains("--plot");
  }
}
