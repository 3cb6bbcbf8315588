package io.vitstream.dataset;

/** A data set's files are missing; the message says how to install them. */
public final class DatasetNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DatasetNotFoundException(String message) {
    super(message);
  }
}
