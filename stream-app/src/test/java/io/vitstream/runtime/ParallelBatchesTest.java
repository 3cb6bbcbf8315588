package io.vitstream.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
                await(bothStarted);
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
    AtomicInteger started = new AtomicInteger();

    assertThatThrownBy(
            () ->
                new ParallelBatches(2)
                    .forEach(
                        1000,
                        b -> {
                          started.incrementAndGet();
                          if (b == 3) {
                            throw new IllegalArgumentException("bad batch 3");
                          }
                          sleep(); // 1,000 batches would take at least half a second
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

  private static void sleep() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).as("the other batch started").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
