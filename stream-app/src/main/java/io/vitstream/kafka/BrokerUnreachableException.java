package io.vitstream.kafka;

/** No broker answered within the time given; the message is one line, for the user. */
public final class BrokerUnreachableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BrokerUnreachableException(String message) {
    super(message);
  }
}
