package io.vitstream.artifact;

/** A version's artifact could not be published, or was refused or incomplete; one line. */
public final class ArtifactException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ArtifactException(String message) {
    super(message);
  }

  public ArtifactException(String message, Throwable cause) {
    super(message, cause);
  }
}
