package io.vitstream.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs independent batches of no-grad forward passes on the calling thread and helpers, each with
 * one intra-op thread, taking batch indices from a shared counter. The engine keeps one intra-op
 * thread for the inference path (more lost 3x next to the stream threads), so a long evaluation
 * pass off the stream, such as the router's loss pass, otherwise leaves a core idle whenever the
 * stream is quiet. Every batch must write only its own slice of any shared output.
 */
public final class ParallelBatches {
  private static final ExecutorService HELPERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "parallel-batches");
            t.setDaemon(true);
            return t;
          });

  private final int threads;

  /**
   * @param threads threads in all, the caller's included (1 runs every batch on the caller)
   */
  public ParallelBatches(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.threads = threads;
  }

  /** As many threads as cores, at most two. */
  public static ParallelBatches ofCores() {
    return new ParallelBatches(Math.min(2, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Calls {@code batch} once for each of {@code 0 .. count - 1}, in no set order, and returns when
   * all are done. The first failure stops the batches not yet started and is rethrown as it was.
   */
  public void forEach(int count, IntConsumer batch) {
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          Djl.disableGradOnThisThread();
          for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
            try {
              batch.accept(i);
            } catch (RuntimeException | Error e) {
              next.set(count);
              throw e;
            }
          }
        };
    List<Future<?>> helpers = new ArrayList<>();
    for (int t = 1; t < Math.min(threads, count); t++) {
      helpers.add(HELPERS.submit(worker));
    }
    Throwable failure = null;
    try {
      worker.run();
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    boolean interrupted = false;
    for (Future<?> h : helpers) {
      while (true) {
        try {
          h.get();
          break;
        } catch (ExecutionException e) {
          failure = failure == null ? e.getCause() : failure;
          break;
        } catch (InterruptedException e) {
          interrupted = true; // stop what has not started, and still wait for what has
          next.set(count);
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    if (interrupted) {
      throw new IllegalStateException("interrupted while waiting for batches");
    }
  }
}
