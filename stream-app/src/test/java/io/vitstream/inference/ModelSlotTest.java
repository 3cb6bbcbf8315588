package io.vitstream.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ModelSlotTest {

  /** A stand-in with the only property the slot cares about: being closed, and when. */
  private static final class Closeable implements AutoCloseable {
    final AtomicInteger closes = new AtomicInteger();

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  @Test
  void shouldServeTheNewModelToTheNextBatchAfterASwap() {
    Closeable a = new Closeable();
    Closeable b = new Closeable();
    try (ModelSlot<Closeable> slot = new ModelSlot<>(a)) {
      slot.swap(b);

      try (ModelSlot.Lease<Closeable> lease = slot.acquire()) {
        assertThat(lease.model()).isSameAs(b);
      }
      assertThat(a.closes).hasValue(1);
    }
    assertThat(b.closes).hasValue(1);
  }

  @Test
  void shouldCloseTheOldModelOnlyAfterItsInFlightBatch() {
    Closeable a = new Closeable();
    ModelSlot<Closeable> slot = new ModelSlot<>(a);
    ModelSlot.Lease<Closeable> inFlight = slot.acquire();

    slot.swap(new Closeable());

    assertThat(a.closes).hasValue(0);
    inFlight.close();
    inFlight.close(); // idempotent
    assertThat(a.closes).hasValue(1);
    slot.close();
  }

  @Test
  void shouldCloseEveryModelExactlyOnceUnderConcurrentSwaps() throws Exception {
    List<Closeable> all = new ArrayList<>();
    Closeable first = new Closeable();
    all.add(first);
    ModelSlot<Closeable> slot = new ModelSlot<>(first);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<?>> batches = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      batches.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 20_000; i++) {
                  try (ModelSlot.Lease<Closeable> lease = slot.acquire()) {
                    assertThat(lease.model().closes).hasValue(0);
                  }
                }
              }));
    }
    for (int i = 0; i < 500; i++) {
      Closeable next = new Closeable();
      synchronized (all) {
        all.add(next);
      }
      slot.swap(next);
    }
    for (Future<?> f : batches) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    slot.close();

    assertThat(all).allSatisfy(m -> assertThat(m.closes).hasValue(1));
  }
}
