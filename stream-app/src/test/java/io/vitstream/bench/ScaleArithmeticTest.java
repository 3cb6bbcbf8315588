package io.vitstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench scale}'s pure parts: --instances, /proc stat lines, CPU windows, efficiency. */
class ScaleArithmeticTest {
  @Test
  void shouldParseAscendingInstanceCountsWithTheFirstAsBaseline() {
    // When
    InstanceCounts counts = InstanceCounts.parse("1, 2,3");

    // Then
    assertThat(counts.counts()).containsExactly(1, 2, 3);
    assertThat(counts.baseline()).isEqualTo(1);
  }

  @Test
  void shouldRefuseBadInstanceCountsInOneLine() {
    assertThatThrownBy(() -> InstanceCounts.parse("1,x")).hasMessageContaining("like 1,2,3");
    assertThatThrownBy(() -> InstanceCounts.parse("0,1")).hasMessageContaining(">= 1");
    assertThatThrownBy(() -> InstanceCounts.parse("2,1")).hasMessageContaining("ascending");
    assertThatThrownBy(() -> InstanceCounts.parse("1,1")).hasMessageContaining("ascending");
    assertThatThrownBy(() -> InstanceCounts.parse("")).hasMessageContaining("like 1,2,3");
  }

  @Test
  void shouldSumUserAndSystemTicksPastACommandNameWithSpacesAndParentheses() {
    // Given a stat line whose command name holds ") (" and spaces; utime 1234, stime 56
    String line =
        "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 56 0 0 20 0 40 0 500"
            + " 1000000 5000";

    // When / Then
    assertThat(ProcStat.cpuTicks(line)).isEqualTo(1290);
    assertThatThrownBy(() -> ProcStat.cpuTicks("garbage")).hasMessageContaining("/proc");
    assertThatThrownBy(() -> ProcStat.cpuTicks("1 (a) S 1 2")).hasMessageContaining("few");
  }

  @Test
  void shouldCountEveryMachineFieldButIdleAndIowaitAsBusy() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    assertThat(ProcStat.machineBusyTicks("cpu  100 2 30 5000 40 1 3 0 7 0")).isEqualTo(136);
    assertThatThrownBy(() -> ProcStat.machineBusyTicks("cpu0 1 2"))
        .hasMessageContaining("cpu line");
  }

  @Test
  void shouldReadThisJvmsOwnCpuTicksFromProc() throws IOException {
    // Given this JVM, which has compiled and run code
    long pid = ProcessHandle.current().pid();

    // When / Then its CPU time is positive and does not go backwards
    long first = ProcStat.cpuTicks(pid);
    assertThat(first).isPositive();
    assertThat(ProcStat.cpuTicks(pid)).isGreaterThanOrEqualTo(first);
  }

  @Test
  void shouldInterpolateCoresUsedInAWindowBetweenSamples() {
    // Given a process that used 1 core for 1 s, then half a core for 2 s (100 ticks per second)
    CpuSeries s = new CpuSeries();
    s.add(0, 0);
    s.add(1000, 100);
    s.add(3000, 200);

    // Then whole and partial windows give the mean cores over them
    assertThat(s.cores(0, 1000)).isCloseTo(1.0, within(1e-9));
    assertThat(s.cores(1000, 3000)).isCloseTo(0.5, within(1e-9));
    assertThat(s.cores(500, 2000)).isCloseTo((50 + 50) / 100.0 / 1.5, within(1e-9));
    assertThatThrownBy(() -> s.cores(0, 4000)).hasMessageContaining("outside");
    assertThatThrownBy(() -> s.cores(10, 10)).hasMessageContaining("empty");
  }

  @Test
  void shouldComputeSpeedupAndPerInstanceEfficiencyAgainstTheBaseline() {
    // Given 1 instance at 1000 img/s, 2 at 1500, 3 at 1500 (a 2-core machine)
    var one = measured(1, 1000);
    var two = measured(2, 1500);
    var three = measured(3, 1500);

    // When
    ScaleRow r2 = ScaleRow.of(two, one);
    ScaleRow r3 = ScaleRow.of(three, one);

    // Then speedup is rate over the baseline's, efficiency speedup per instance
    assertThat(ScaleRow.of(one, one).efficiency()).isCloseTo(1.0, within(1e-9));
    assertThat(r2.speedup()).isCloseTo(1.5, within(1e-9));
    assertThat(r2.efficiency()).isCloseTo(0.75, within(1e-9));
    assertThat(r3.efficiency()).isCloseTo(0.5, within(1e-9));
    assertThat(r3.meanInstanceCores()).isCloseTo(0.6, within(1e-9));
    assertThat(r2.imagesPerInstanceCore()).isCloseTo(1500 / 1.2, within(1e-9));
    // and the rest of the machine's 2 busy cores went to other processes
    assertThat(r2.otherCores()).isCloseTo(2.0 - 0.3 - 1.2, within(1e-9));
    assertThat(r3.otherCores()).isCloseTo(0.0, within(1e-9));
    // and against a baseline of 2 instances, 4 at twice the rate is linear
    assertThat(ScaleRow.of(measured(4, 3000), two).efficiency()).isCloseTo(1.0, within(1e-9));
  }

  private static ScaleRow.Measured measured(int instances, double rate) {
    List<Double> cores = java.util.Collections.nCopies(instances, 0.6);
    return new ScaleRow.Measured(
        instances, new SteadyRate(rate, 1000, 1000 / rate), cores, 0.3, 2.0, 9);
  }
}
