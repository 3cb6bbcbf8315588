package io.vitstream.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ParallelBatchesTest {
  @BeforeAll
  static void engine() {
    Djl.ensureConfigured(); // each thread turns its gradient recording off
  }

  @Test
  void shouldRunEveryBatchOnceOnTwoThreadsAtOnce() {
    // Given two threads, and a first pair of batches that each wait until the other has started
    CountDownLatch bothStarted = new CountDownLatch(2);
    AtomicIntegerArray runs = new AtomicIntegerArray(50);
    Set<String> threads = ConcurrentHashMap.newKeySet();

    // When 50 batches run
    new ParallelBatches(2)
        .forEach(
            50,
            b -> {
              threads.add(Thread.currentThread().getName());
              if (b < 2) {
                bothStarted.countDown();
                awaitLatch(bothStarted);
              }
              runs.incrementAndGet(b);
            });

    // Then each ran exactly once, and two threads shared them
    for (int b = 0; b < 50; b++) {
      assertThat(runs.get(b)).as("batch " + b).isEqualTo(1);
    }
    assertThat(threads).hasSize(2).contains(Thread.currentThread().getName());
  }

  @Test
  void shouldRethrowTheFirstFailureAndStartNoFurtherBatch() {
    // batches after the failing one wait until it has failed, so none can finish the run first
    AtomicInteger started = new AtomicInteger();
    AtomicBoolean failed = new AtomicBoolean();

    assertThatThrownBy(
            () ->
                new ParallelBatches(2)
                    .forEach(
                        1000,
                        b -> {
                          started.incrementAndGet();
                          if (b == 3) {
                            failed.set(true);
                            throw new IllegalArgumentException("bad batch 3");
                          }
                          if (b > 3) {
                            await().atMost(Duration.ofSeconds(10)).untilTrue(failed);
                          }
                        }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad batch 3");
    assertThat(started.get()).isLessThan(1000);
  }

  @Test
  void shouldRunOnTheCallerAloneWithOneThread() {
    Set<String> threads = ConcurrentHashMap.newKeySet();

    new ParallelBatches(1).forEach(10, b -> threads.add(Thread.currentThread().getName()));

    assertThat(threads).containsExactly(Thread.currentThread().getName());
    assertThatThrownBy(() -> new ParallelBatches(0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).as("the other batch started").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
