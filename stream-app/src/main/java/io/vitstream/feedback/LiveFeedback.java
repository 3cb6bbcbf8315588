package io.vitstream.feedback;

/** Receives, for each label that arrives, whether the prediction made for that image was right. */
@FunctionalInterface
public interface LiveFeedback {
  /** Ignores everything. */
  LiveFeedback NONE = (version, hit) -> false;

  /**
   * @param version the model version that made the prediction
   * @param hit whether its top class was the label
   * @return whether this sample changed the promoted model (a rollback)
   */
  boolean record(int version, boolean hit);
}
