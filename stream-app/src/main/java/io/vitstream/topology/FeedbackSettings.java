package io.vitstream.topology;

import io.vitstream.feedback.FineTuneRequestSerde;
import io.vitstream.feedback.RollbackPolicy;
import io.vitstream.feedback.TriggerPolicy;
import io.vitstream.kafka.TopicNames;
import java.time.Duration;
import java.util.List;

/**
 * What the feedback topology needs, frozen.
 *
 * @param topics topic names
 * @param labels the model's class names, by index; a feedback label must be one of them
 * @param imageSize the side of the model's square input; feedback images must have it
 * @param channels the model's input channels, 1 (gray) or 3 (RGB); examples are kept in them
 * @param imageRetention how long a recent image (and its prediction) can be labelled
 * @param holdoutFraction the share of image ids held out, in [0, 1)
 * @param holdoutMaxCount the most holdout examples kept; the oldest go first
 * @param holdoutMaxAge the oldest holdout example kept, by record time
 * @param replayPerClass the replay reservoir's size per class
 * @param trigger when a fine-tuning run fires
 * @param rollback when the served version is rolled back
 * @param liveWindow labelled predictions in the live accuracy the trigger and rollback watch; the
 *     accuracy of a version's first full window is the trigger's baseline
 * @param maxImageBytes the largest accepted image payload
 * @param deadLetterValueBytes the most of an original value a dead letter keeps
 */
public record FeedbackSettings(
    TopicNames topics,
    List<String> labels,
    int imageSize,
    int channels,
    Duration imageRetention,
    double holdoutFraction,
    int holdoutMaxCount,
    Duration holdoutMaxAge,
    int replayPerClass,
    TriggerPolicy trigger,
    RollbackPolicy rollback,
    int liveWindow,
    int maxImageBytes,
    int deadLetterValueBytes) {

  public FeedbackSettings {
    labels = List.copyOf(labels);
    if (labels.isEmpty()
        || labels.size() > 256
        || imageSize < 1
        || replayPerClass < 1
        || holdoutMaxCount < 1
        || liveWindow < 1) {
      throw new IllegalArgumentException(
          "need 1..256 labels, a positive image size, holdout size, replay size and live window");
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if (imageRetention.isNegative() || imageRetention.isZero()) {
      throw new IllegalArgumentException("image retention must be positive");
    }
    if (holdoutMaxAge.isNegative() || holdoutMaxAge.isZero()) {
      throw new IllegalArgumentException("holdout age must be positive");
    }
  }

  /**
   * The fine-tuning request topic: {@code <feedback>-finetune}, one partition, written only by the
   * feedback loop.
   */
  public String requestsTopic() {
    return topics.feedback() + "-finetune";
  }

  /**
   * The largest fine-tuning request: every fresh example a trigger can buffer, a full reservoir and
   * a full holdout.
   */
  public int maxRequestBytes() {
    long examples = trigger.newLabels() + (long) replayPerClass * labels.size() + holdoutMaxCount;
    long bytes = FineTuneRequestSerde.maxBytes(examples, imageSize, channels);
    if (bytes > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException(
          "a fine-tuning request could take "
              + bytes
              + " bytes: lower feedback.trigger.labels, feedback.replay.per.class or"
              + " feedback.holdout.max.count");
    }
    return (int) bytes;
  }
}
