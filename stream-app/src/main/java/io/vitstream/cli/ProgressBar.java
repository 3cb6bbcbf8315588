package io.vitstream.cli;

import io.vitstream.training.EpochResult;
import io.vitstream.training.StepProgress;
import io.vitstream.training.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on a terminal stream, redrawn at most a few times a second. */
final class ProgressBar implements TrainingListener {
  private static final int WIDTH = 24;
  private static final long REDRAW_NANOS = 250_000_000L;

  private final PrintStream out;
  private long lastDraw;

  ProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onStep(StepProgress p) {
    long now = System.nanoTime();
    if (now - lastDraw < REDRAW_NANOS && p.step() < p.stepsPerEpoch()) {
      return;
    }
    lastDraw = now;
    int filled = (int) ((long) WIDTH * p.step() / p.stepsPerEpoch());
    out.printf(
        Locale.ROOT,
        "\repoch %d/%d [%s%s] %d/%d loss %.4f acc %.4f %.0f img/s ETA %s ",
        p.epoch(),
        p.epochs(),
        "=".repeat(filled),
        " ".repeat(WIDTH - filled),
        p.step(),
        p.stepsPerEpoch(),
        p.loss(),
        p.accuracy(),
        p.imagesPerSecond(),
        clock(p.remainingSeconds()));
    out.flush();
  }

  @Override
  public void onEpoch(EpochResult r) {
    out.printf(
        Locale.ROOT,
        "%nepoch %d: loss %.4f train acc %.4f test acc %.4f lr %.2e %.0f s%n",
        r.epoch(),
        r.trainLoss(),
        r.trainAccuracy(),
        r.testAccuracy(),
        r.learningRate(),
        r.seconds());
    out.flush();
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}
