package io.vitstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time a Linux process has used, from {@code /proc/<pid>/stat}: user plus system time
 * (fields 14 and 15), in clock ticks of {@link #TICKS_PER_SECOND}.
 */
final class ProcStat {
  /** {@code USER_HZ}: the unit of /proc's times, 100 on every Linux ABI Java runs on. */
  static final int TICKS_PER_SECOND = 100;

  private ProcStat() {}

  /** utime + stime of a {@code /proc/<pid>/stat} line. */
  static long cpuTicks(String statLine) {
    // the command name (field 2) is in parentheses and may hold spaces or ')': skip past the last
    int close = statLine.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + statLine);
    }
    String[] fields = statLine.substring(close + 1).strip().split("\\s+");
    // fields[0] is field 3 (state): utime (14) and stime (15) are at 11 and 12
    if (fields.length < 13) {
      throw new IllegalArgumentException("too few fields in /proc/<pid>/stat: " + statLine);
    }
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /**
   * The busy ticks of all cores together, from the {@code cpu} line of {@code /proc/stat}: every
   * field but idle (4th) and iowait (5th); guest time is already inside user and nice.
   */
  static long machineBusyTicks(String cpuLine) {
    String[] f = cpuLine.strip().split("\\s+");
    if (!f[0].equals("cpu") || f.length < 9) {
      throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
    }
    long busy = 0;
    for (int i = 1; i <= 8; i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(f[i]);
      }
    }
    return busy;
  }

  /** The busy ticks of all cores together, now. */
  static long machineBusyTicks() throws IOException {
    try (var lines = Files.lines(Path.of("/proc/stat"))) {
      return machineBusyTicks(lines.findFirst().orElseThrow());
    }
  }

  /**
   * utime + stime of a running process.
   *
   * @throws IOException when it has gone or this is not Linux
   */
  static long cpuTicks(long pid) throws IOException {
    return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
  }
}
