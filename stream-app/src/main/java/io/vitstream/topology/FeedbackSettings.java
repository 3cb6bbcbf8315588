package io.vitstream.topology;

import io.vitstream.feedback.TriggerPolicy;
import io.vitstream.kafka.TopicNames;
import java.time.Duration;
import java.util.List;

/**
 * What the feedback topology needs, frozen.
 *
 * @param topics topic names
 * @param labels the model's class names, by index; a feedback label must be one of them
 * @param imageSize the side of the model's square grayscale input; feedback images must have it
 * @param imageRetention how long a recent image can be labelled
 * @param holdoutFraction the share of image ids held out, in [0, 1)
 * @param replayPerClass the replay reservoir's size per class
 * @param trigger when a fine-tuning run fires
 * @param liveWindow labelled predictions in the live accuracy the trigger watches; the accuracy of
 *     a version's first full window is its baseline
 * @param maxImageBytes the largest accepted image payload
 * @param deadLetterValueBytes the most of an original value a dead letter keeps
 */
public record FeedbackSettings(
    TopicNames topics,
    List<String> labels,
    int imageSize,
    Duration imageRetention,
    double holdoutFraction,
    int replayPerClass,
    TriggerPolicy trigger,
    int liveWindow,
    int maxImageBytes,
    int deadLetterValueBytes) {

  public FeedbackSettings {
    labels = List.copyOf(labels);
    if (labels.isEmpty()
        || labels.size() > 256
        || imageSize < 1
        || replayPerClass < 1
        || liveWindow < 1) {
      throw new IllegalArgumentException(
          "need 1..256 labels, a positive image size and replay size");
    }
    if (imageRetention.isNegative() || imageRetention.isZero()) {
      throw new IllegalArgumentException("image retention must be positive");
    }
  }
}
