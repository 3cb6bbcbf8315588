package io.vitstream.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar on a terminal stream, redrawn at most ten times a second. */
final class Progress {
  private static final int WIDTH = 30;

  /** The shortest interval a rate is shown for: shorter ones are noise. */
  private static final long MIN_INTERVAL_NANOS = 10_000_000L;

  private final PrintWriter out;
  private final int total;
  private long start;
  private int startDone;
  private long lastDraw;

  Progress(PrintWriter out, int total) {
    this.out = out;
    this.total = total;
  }

  void update(int done) {
    long now = System.nanoTime();
    if (start == 0) {
      start = now; // the clock starts at the first item, not at construction
      startDone = done;
    }
    if (done < total && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    int filled = total == 0 ? WIDTH : (int) ((long) done * WIDTH / total);
    out.printf(
        Locale.ROOT,
        "\r[%s%s] %d/%d %s img/s",
        "#".repeat(filled),
        " ".repeat(WIDTH - filled),
        done,
        total,
        rate(done - startDone, now - start));
    if (done >= total) {
      out.println();
    }
    out.flush();
  }

  /**
   * Items per second after the first update, or {@code -} while there is no interval to measure
   * (the first update, which starts the clock, used to show {@code 1000000000 img/s}).
   */
  static String rate(int doneSinceStart, long nanosSinceStart) {
    if (doneSinceStart <= 0 || nanosSinceStart < MIN_INTERVAL_NANOS) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.0f", doneSinceStart / (nanosSinceStart / 1e9));
  }
}
