package io.vitstream.training;

import java.lang.management.ManagementFactory;

/**
 * The CPU time this process has used, in nanoseconds, all threads. Rates per CPU-second hold up
 * where other processes share the cores; wall-clock rates do not.
 */
final class ProcessCpu {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private ProcessCpu() {}

  static long nanos() {
    return OS.getProcessCpuTime();
  }

  /**
   * The CPU seconds since {@code startNanos}, or {@code wallSeconds} when the clock has not ticked
   * since (it counts in milliseconds or coarser).
   */
  static double secondsOr(long startNanos, double wallSeconds) {
    long d = nanos() - startNanos;
    return d > 0 ? d / 1e9 : wallSeconds;
  }
}
