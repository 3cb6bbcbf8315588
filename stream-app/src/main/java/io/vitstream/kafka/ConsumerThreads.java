package io.vitstream.kafka;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;

/** Stopping a thread that polls a consumer until {@code running} turns false. */
public final class ConsumerThreads {
  private ConsumerThreads() {}

  /**
   * Clears {@code running}, wakes the consumer out of its poll and waits up to 10 s for the thread
   * to end (it closes its consumer on the way out).
   *
   * @param thread the polling thread, or null when it never started (nothing to do)
   */
  public static void stop(AtomicBoolean running, Consumer<?, ?> consumer, Thread thread) {
    if (thread == null) {
      return;
    }
    running.set(false);
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
