package io.vitstream.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Reads a process's {@code VmRSS} once a second, with the number of images processed at that
 * moment, until closed. Linux only ({@code /proc}).
 */
final class RssSampler implements AutoCloseable {
  private final Path status;
  private final IntSupplier images;
  private final long startNanos = System.nanoTime();
  private final List<RssSample> samples = new ArrayList<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "rss-sampler");
            t.setDaemon(true);
            return t;
          });

  private RssSampler(long pid, IntSupplier images) {
    this.status = Path.of("/proc", Long.toString(pid), "status");
    this.images = images;
  }

  /** Starts sampling process {@code pid} now, then every second. */
  static RssSampler start(long pid, IntSupplier images) {
    RssSampler sampler = new RssSampler(pid, images);
    sampler.timer.scheduleAtFixedRate(sampler::sample, 0, 1, TimeUnit.SECONDS);
    return sampler;
  }

  /** Takes one more sample now (e.g. the last one, after the work is done). */
  void sample() {
    int done = images.getAsInt();
    OptionalLong rss = rssKib(status);
    if (rss.isPresent()) {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      synchronized (samples) {
        samples.add(new RssSample(seconds, done, rss.getAsLong()));
      }
    }
  }

  List<RssSample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /**
   * The {@code VmRSS:} line of a {@code /proc/<pid>/status} file; empty once the process is gone.
   */
  static OptionalLong rssKib(Path status) {
    List<String> lines;
    try {
      lines = Files.readAllLines(status, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    for (String line : lines) {
      if (line.startsWith("VmRSS:")) {
        // "VmRSS:\t  438112 kB"
        String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
        return OptionalLong.of(Long.parseLong(parts[0]));
      }
    }
    return OptionalLong.empty(); // a zombie has no VmRSS line
  }

  @Override
  public void close() throws InterruptedException {
    timer.shutdownNow();
    timer.awaitTermination(5, TimeUnit.SECONDS);
  }
}
