package io.vitstream.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar on a terminal stream, redrawn at most ten times a second. */
final class Progress {
  private static final int WIDTH = 30;
  private final PrintWriter out;
  private final int total;
  private long start;
  private long lastDraw;

  Progress(PrintWriter out, int total) {
    this.out = out;
    this.total = total;
  }

  void update(int done) {
    long now = System.nanoTime();
    if (start == 0) {
      start = now; // the clock starts at the first item, not at construction
    }
    if (done < total && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    int filled = total == 0 ? WIDTH : (int) ((long) done * WIDTH / total);
    double rate = done / Math.max(1e-9, (now - start) / 1e9);
    out.printf(
        Locale.ROOT,
        "\r[%s%s] %d/%d %.0f img/s",
        "#".repeat(filled),
        " ".repeat(WIDTH - filled),
        done,
        total,
        rate);
    if (done >= total) {
      out.println();
    }
    out.flush();
  }
}
