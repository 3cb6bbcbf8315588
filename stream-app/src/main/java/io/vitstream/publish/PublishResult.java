package io.vitstream.publish;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a publish run achieved: every image offered is either acknowledged by the broker or counted
 * under one failure cause.
 *
 * @param attempted the images offered
 * @param acknowledged the records the broker acknowledged ({@code acks=all})
 * @param failures one entry per cause, in order of first occurrence; the counts add up to {@code
 *     attempted - acknowledged}
 */
public record PublishResult(int attempted, int acknowledged, List<Failure> failures) {

  /**
   * Records that failed for one cause.
   *
   * @param cause the exception's simple class name, e.g. {@code RecordTooLargeException}
   * @param count how many records failed for it
   * @param example the first such failure's message, one line
   */
  public record Failure(String cause, int count, String example) {
    /** {@code RecordTooLargeException (too large: ...)}. */
    public String describe() {
      return cause + " (" + example + ")";
    }
  }

  public PublishResult {
    failures = List.copyOf(failures);
    int failed = failures.stream().mapToInt(Failure::count).sum();
    if (acknowledged + failed != attempted) {
      throw new IllegalArgumentException(
          "acknowledged "
              + acknowledged
              + " + failed "
              + failed
              + " must equal attempted "
              + attempted);
    }
  }

  /** Whether every image was acknowledged. */
  public boolean complete() {
    return acknowledged == attempted;
  }

  /**
   * Returns this when every image was acknowledged.
   *
   * @throws IllegalStateException with a one-line message naming the causes otherwise
   */
  public PublishResult requireComplete(String topic) {
    if (!complete()) {
      throw new IllegalStateException(
          "only "
              + acknowledged
              + "/"
              + attempted
              + " images acknowledged by "
              + topic
              + ": "
              + failures.stream()
                  .map(f -> f.count() + " " + f.describe())
                  .collect(Collectors.joining(", ")));
    }
    return this;
  }
}
