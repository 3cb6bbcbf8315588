package io.vitstream.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU time of this JVM's threads, by group, sampled every 100 ms on a thread of its own, so
 * that the CPU spent in any window of a run can be read afterwards. Exact, unlike stack sampling,
 * which misses native code.
 */
final class ThreadCpu implements AutoCloseable {
  static final String STREAM = "stream thread";
  static final String BATCH = "batch thread";
  static final String PRODUCER_IO = "producer I/O threads";
  static final String OTHER = "broker and other threads";

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final List<Snapshot> snapshots = new ArrayList<>();
  private final Thread sampler;
  private volatile boolean running = true;

  /** CPU nanoseconds by group at a wall-clock time. */
  private record Snapshot(long atMillis, Map<String, Long> cpuNanos) {}

  private ThreadCpu() {
    sampler =
        new Thread(
            () -> {
              while (running) {
                take();
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-thread-cpu");
    sampler.setDaemon(true);
  }

  static ThreadCpu start() {
    ThreadCpu t = new ThreadCpu();
    t.take();
    t.sampler.start();
    return t;
  }

  /** The thread group a thread's name belongs to. */
  static String group(String threadName) {
    if (threadName.startsWith("kafka-producer-network-thread")) {
      return PRODUCER_IO; // its name holds the stream thread's client id: check it first
    }
    if (threadName.contains("StreamThread")) {
      return STREAM;
    }
    if (threadName.startsWith("batch-")) {
      return BATCH;
    }
    return OTHER;
  }

  private void take() {
    Map<String, Long> cpu = new HashMap<>();
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long t = threads.getThreadCpuTime(ids[i]);
      if (infos[i] != null && t > 0 && !infos[i].getThreadName().equals("bench-thread-cpu")) {
        cpu.merge(group(infos[i].getThreadName()), t, Long::sum);
      }
    }
    synchronized (snapshots) {
      snapshots.add(new Snapshot(System.currentTimeMillis(), cpu));
    }
  }

  /**
   * CPU seconds by group between the snapshots nearest {@code fromMillis} and {@code toMillis}. A
   * thread that ended inside the window loses its CPU from the sum; the pipeline's threads live
   * through it.
   */
  Map<String, Double> between(long fromMillis, long toMillis) {
    Snapshot a;
    Snapshot b;
    synchronized (snapshots) {
      a = nearest(fromMillis);
      b = nearest(toMillis);
    }
    Map<String, Double> out = new HashMap<>();
    for (String g : List.of(STREAM, BATCH, PRODUCER_IO, OTHER)) {
      long d = b.cpuNanos().getOrDefault(g, 0L) - a.cpuNanos().getOrDefault(g, 0L);
      out.put(g, Math.max(0, d) / 1e9);
    }
    return out;
  }

  /** The seconds between the snapshots nearest these times. */
  double seconds(long fromMillis, long toMillis) {
    synchronized (snapshots) {
      return (nearest(toMillis).atMillis() - nearest(fromMillis).atMillis()) / 1e3;
    }
  }

  private Snapshot nearest(long millis) {
    Snapshot best = snapshots.get(0);
    for (Snapshot s : snapshots) {
      if (Math.abs(s.atMillis() - millis) < Math.abs(best.atMillis() - millis)) {
        best = s;
      }
    }
    return best;
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }
}
