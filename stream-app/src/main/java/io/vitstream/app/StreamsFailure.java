package io.vitstream.app;

import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the error that stopped a Kafka Streams client and shuts the client down, so that the
 * process can end with a non-zero exit and one line instead of staying up doing nothing.
 */
final class StreamsFailure implements StreamsUncaughtExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(StreamsFailure.class);
  private final String app;
  private volatile Throwable failure;

  /**
   * @param app what stopped, for the log line (e.g. "inference")
   */
  StreamsFailure(String app) {
    this.app = app;
  }

  @Override
  public StreamThreadExceptionResponse handle(Throwable exception) {
    failure = exception;
    LOG.error("{} stopped: {}", app, exception.toString());
    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }

  /**
   * Why {@code streams} stopped by itself, in one line: the error a stream thread died of, or a
   * state in which it no longer processes; empty while it runs (or before it started).
   */
  Optional<String> reason(KafkaStreams streams) {
    Throwable f = failure;
    if (f != null) {
      Throwable root = f;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String message =
          root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
      return Optional.of(app + " stopped: " + message.lines().findFirst().orElse(message));
    }
    if (streams != null && !streams.state().isRunningOrRebalancing()) {
      return Optional.of(app + " stopped: Kafka Streams is " + streams.state());
    }
    return Optional.empty();
  }

  /** Throws {@link #reason} as an IllegalStateException caused by the error, if there is one. */
  void throwIfFailed(KafkaStreams streams) {
    Optional<String> reason = reason(streams);
    if (reason.isPresent()) {
      throw new IllegalStateException(reason.get(), failure);
    }
  }
}
