package io.vitstream.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vitstream.runtime.Djl;
import io.vitstream.vit.ViTConfig;
import java.util.List;

/**
 * The rate DJL's matrix product (sgemm on the CPU) reaches on the products a ViT's blocks make at a
 * batch size: the reference a training step is measured against. Each shape is warmed up, then
 * repeated for a slice of time; the rate of the mix is the FLOPs of one pass over the shapes
 * divided by the time of one pass, so each shape weighs what it weighs in a block.
 */
public final class MatmulRate {
  private static final int WARMUP = 3;

  /** One product (m, k) x (k, n) and its measured time per call. */
  public record Product(
      String name, long m, long k, long n, double secondsPerCall, double cpuSecondsPerCall) {
    public double flops() {
      return 2.0 * m * k * n;
    }

    public double gflops() {
      return flops() / secondsPerCall / 1e9;
    }

    /** GFLOP per CPU-second of this process. */
    public double cpuGflops() {
      return flops() / cpuSecondsPerCall / 1e9;
    }
  }

  /** The products and the rate of their mix. */
  public record Result(List<Product> products) {
    public double gflops() {
      double flops = products.stream().mapToDouble(Product::flops).sum();
      double seconds = products.stream().mapToDouble(Product::secondsPerCall).sum();
      return flops / seconds / 1e9;
    }

    /** GFLOP per CPU-second of the mix. */
    public double cpuGflops() {
      double flops = products.stream().mapToDouble(Product::flops).sum();
      double seconds = products.stream().mapToDouble(Product::cpuSecondsPerCall).sum();
      return flops / seconds / 1e9;
    }
  }

  private MatmulRate() {}

  /**
   * Times the block's linear layers at batch {@code batch}: qkv (BT, D) x (D, 3D), proj (BT, D) x
   * (D, D), fc1 (BT, D) x (D, M), fc2 (BT, M) x (M, D).
   */
  public static Result ofBlock(ViTConfig c, int batch, double secondsPerShape) {
    long rows = (long) batch * c.numTokens();
    long d = c.width();
    long m = c.mlpSize();
    return new Result(
        List.of(
            time("qkv", rows, d, 3 * d, secondsPerShape),
            time("proj", rows, d, d, secondsPerShape),
            time("fc1", rows, d, m, secondsPerShape),
            time("fc2", rows, m, d, secondsPerShape)));
  }

  /** Times one (m, k) x (k, n) product for about {@code seconds}. */
  public static Product time(String name, long m, long k, long n, double seconds) {
    Djl.ensureConfigured();
    Djl.disableGradOnThisThread();
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.randomUniform(-1, 1, new Shape(m, k));
      NDArray b = manager.randomUniform(-1, 1, new Shape(k, n));
      for (int i = 0; i < WARMUP; i++) {
        a.matMul(b).close();
      }
      long calls = 0;
      long cpuStart = ProcessCpu.nanos();
      long start = System.nanoTime();
      long elapsed;
      do {
        a.matMul(b).close();
        calls++;
        elapsed = System.nanoTime() - start;
      } while (elapsed < seconds * 1e9);
      // the process clock ticks in milliseconds: a run too short for it counts its wall time
      double cpu = ProcessCpu.secondsOr(cpuStart, elapsed / 1e9);
      return new Product(name, m, k, n, elapsed / 1e9 / calls, cpu / calls);
    }
  }
}
