package io.vitstream.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples the CPU ticks of some processes, and of the machine, every 100 ms on a thread of its own,
 * until closed.
 */
final class CpuSampler implements AutoCloseable {
  /** The key of the whole machine's busy time, all cores together. */
  static final long MACHINE = -1;

  private final Map<Long, CpuSeries> series = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  private CpuSampler(List<Long> pids) {
    series.put(MACHINE, new CpuSeries());
    pids.forEach(p -> series.put(p, new CpuSeries()));
    thread = new Thread(this::loop, "cpu-sampler");
    thread.setDaemon(true);
  }

  /** Starts sampling these process ids. */
  static CpuSampler start(List<Long> pids) {
    CpuSampler s = new CpuSampler(pids);
    s.take();
    s.thread.start();
    return s;
  }

  private void loop() {
    while (running) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      take();
    }
  }

  private synchronized void take() {
    long now = System.currentTimeMillis();
    for (Map.Entry<Long, CpuSeries> e : series.entrySet()) {
      try {
        long pid = e.getKey();
        long ticks = pid == MACHINE ? ProcStat.machineBusyTicks() : ProcStat.cpuTicks(pid);
        e.getValue().add(now, ticks);
      } catch (IOException | RuntimeException gone) {
        // the process ended: its series stops here, and a window past it fails when read
      }
    }
  }

  /** Mean cores process {@code pid} (or {@link #MACHINE}: all processes) used in the window. */
  synchronized double cores(long pid, long fromMillis, long toMillis) {
    return series.get(pid).cores(fromMillis, toMillis);
  }

  /** Stops sampling after one last sample. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join();
    take();
  }
}
