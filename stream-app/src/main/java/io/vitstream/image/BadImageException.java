package io.vitstream.image;

/** An image that cannot be used; the message is the reason a dead letter carries. */
public final class BadImageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadImageException(String reason) {
    super(reason);
  }
}
