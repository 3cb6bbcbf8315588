package io.vitstream.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the pipeline's CPU went in a window, per stage: the exact CPU of each thread group, the
 * stream and batch threads' Java time split by their execution samples, and the forward pass
 * (native, so not sampled) from its own measured time.
 *
 * @param threadSeconds CPU seconds by thread group ({@link ThreadCpu})
 * @param samples Java execution samples by thread group and stage ({@link StageProfile})
 * @param forwardSeconds the forward passes' measured time in the window
 * @param forwardOffStreamThread whether the forward ran on the batch thread
 */
record StageBreakdown(
    Map<String, Double> threadSeconds,
    Map<String, Map<String, Integer>> samples,
    double forwardSeconds,
    boolean forwardOffStreamThread) {

  /** Microseconds of CPU per image by row, for {@code images} images. */
  Map<String, Double> microsPerImage(int images) {
    Map<String, Double> out = new LinkedHashMap<>();
    String forwardThread = forwardOffStreamThread ? ThreadCpu.BATCH : ThreadCpu.STREAM;
    for (String group : new String[] {ThreadCpu.STREAM, ThreadCpu.BATCH}) {
      double seconds = threadSeconds.getOrDefault(group, 0.0);
      if (group.equals(forwardThread)) {
        seconds = Math.max(0, seconds - forwardSeconds);
      }
      Map<String, Integer> bySample = new LinkedHashMap<>(samples.getOrDefault(group, Map.of()));
      bySample.remove("forward"); // its Java frames are counted in the measured forward time
      double total = bySample.values().stream().mapToInt(Integer::intValue).sum();
      for (var e : bySample.entrySet()) {
        String row = (group.equals(ThreadCpu.STREAM) ? "stream: " : "batch: ") + e.getKey();
        out.put(row, seconds * e.getValue() / Math.max(1, total) / images * 1e6);
      }
    }
    out.put("forward", forwardSeconds / images * 1e6);
    out.put(
        ThreadCpu.PRODUCER_IO,
        threadSeconds.getOrDefault(ThreadCpu.PRODUCER_IO, 0.0) / images * 1e6);
    out.put(ThreadCpu.OTHER, threadSeconds.getOrDefault(ThreadCpu.OTHER, 0.0) / images * 1e6);
    return out;
  }
}
