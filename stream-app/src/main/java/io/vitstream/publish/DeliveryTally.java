package io.vitstream.publish;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts acknowledgements and failures by cause. Send callbacks call it from the producer's I/O
 * thread, the publishing loop from its own.
 */
final class DeliveryTally {
  private static final Logger log = LoggerFactory.getLogger(DeliveryTally.class);

  private record Count(int count, String example) {}

  private final Map<String, Count> failures = new LinkedHashMap<>();
  private int acknowledged;

  /** A send callback that counts the outcome for the image {@code id}. */
  Callback callback(String id) {
    return (metadata, e) -> {
      if (e == null) {
        acknowledged();
      } else {
        failed(id, e);
      }
    };
  }

  synchronized void acknowledged() {
    acknowledged++;
  }

  /** Counts one failure under the exception's simple class name. */
  void failed(String id, Throwable e) {
    add("image " + id, e, 1);
  }

  /** Counts {@code n} images that were not sent under the cause that stopped the run. */
  void notSent(int n, Throwable e) {
    if (n > 0) {
      add(n + " unsent images", e, n);
    }
  }

  private synchronized void add(String what, Throwable e, int n) {
    String cause = e.getClass().getSimpleName();
    String message = oneLine(e);
    Count before = failures.get(cause);
    if (before == null) {
      log.warn("{} not published: {}: {}", what, cause, message);
      failures.put(cause, new Count(n, message));
    } else {
      log.debug("{} not published: {}: {}", what, cause, message);
      failures.put(cause, new Count(before.count() + n, before.example()));
    }
  }

  /**
   * The outcome. Call it once the producer is closed, so that every callback has run; an image with
   * neither an acknowledgement nor an error (none should be) counts as {@code NotAcknowledged}.
   */
  synchronized PublishResult result(int attempted) {
    List<PublishResult.Failure> out = new ArrayList<>();
    failures.forEach(
        (cause, c) -> out.add(new PublishResult.Failure(cause, c.count(), c.example())));
    int missing =
        attempted - acknowledged - out.stream().mapToInt(PublishResult.Failure::count).sum();
    if (missing > 0) {
      out.add(
          new PublishResult.Failure(
              "NotAcknowledged", missing, "neither an acknowledgement nor an error came back"));
    }
    return new PublishResult(attempted, acknowledged, out);
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? "" : e.getMessage().strip();
    return m.lines().findFirst().orElse("");
  }
}
