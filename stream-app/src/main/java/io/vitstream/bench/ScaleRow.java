package io.vitstream.bench;

import java.util.List;

/**
 * One instance count of a scaling run.
 *
 * @param instances app instances ({@code vitstream run} processes)
 * @param imagesPerSecond predictions per second, all instances together, in the steady window
 * @param speedup {@code imagesPerSecond} over the baseline count's
 * @param efficiency speedup per instance, relative to the baseline: 1.0 is linear scaling
 * @param instanceCores each instance's mean CPU in the window, in cores (1.0 = one core busy)
 * @param benchJvmCores this JVM's mean CPU in the window: the in-process brokers and the reader
 * @param otherCores the rest of the machine's busy cores in the window: other processes' load
 * @param outputs predictions in the window
 * @param seconds the window's length
 * @param startupSeconds from starting the instances to all of them in one stable group
 */
public record ScaleRow(
    int instances,
    double imagesPerSecond,
    double speedup,
    double efficiency,
    List<Double> instanceCores,
    double benchJvmCores,
    double otherCores,
    int outputs,
    double seconds,
    double startupSeconds) {

  public ScaleRow {
    instanceCores = List.copyOf(instanceCores);
  }

  /** A measured count, before it is compared with the baseline. */
  record Measured(
      int instances,
      SteadyRate rate,
      List<Double> instanceCores,
      double benchJvmCores,
      double machineCores,
      double startupSeconds) {}

  /**
   * Speedup and efficiency of {@code m} against {@code baseline}: speedup = rate / baseline rate,
   * efficiency = speedup x baseline instances / instances.
   */
  static ScaleRow of(Measured m, Measured baseline) {
    double speedup = m.rate().perSecond() / baseline.rate().perSecond();
    double efficiency = speedup * baseline.instances() / m.instances();
    return new ScaleRow(
        m.instances(),
        m.rate().perSecond(),
        speedup,
        efficiency,
        m.instanceCores(),
        m.benchJvmCores(),
        Math.max(
            0,
            m.machineCores()
                - m.benchJvmCores()
                - m.instanceCores().stream().mapToDouble(Double::doubleValue).sum()),
        m.rate().outputs(),
        m.rate().seconds(),
        m.startupSeconds());
  }

  /**
   * Images per second per core the instances used: stays flat while they scale, and is the figure
   * to compare when other processes take a varying share of the machine.
   */
  public double imagesPerInstanceCore() {
    double cores = instanceCores.stream().mapToDouble(Double::doubleValue).sum();
    return cores == 0 ? 0 : imagesPerSecond / cores;
  }

  /** The instances' mean CPU, in cores. */
  public double meanInstanceCores() {
    return instanceCores.stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }
}
