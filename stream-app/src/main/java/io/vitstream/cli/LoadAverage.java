package io.vitstream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's load average, printed by the benchmarks next to their timings. */
final class LoadAverage {
  private static final Path FILE = Path.of("/proc/loadavg");

  private LoadAverage() {}

  /** The 1, 5 and 15 minute load averages, or why they are unknown. */
  static String read() {
    try {
      String[] parts = Files.readString(FILE).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2] + " (1, 5, 15 min)";
    } catch (IOException | RuntimeException e) {
      return "unknown (" + FILE + " unreadable)";
    }
  }
}
