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
}
