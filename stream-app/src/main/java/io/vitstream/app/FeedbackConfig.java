package io.vitstream.app;

import io.vitstream.feedback.GatePolicy;
import io.vitstream.feedback.RollbackPolicy;
import io.vitstream.feedback.TriggerPolicy;
import io.vitstream.kafka.TopicNames;
import io.vitstream.topology.FeedbackSettings;
import io.vitstream.training.TrainingConfig;
import java.time.Duration;
import java.util.List;

/**
 * The feedback loop's configuration (the {@code feedback.*} and {@code finetune.*} keys).
 *
 * @param enabled whether {@code vitstream run} also runs the feedback service
 * @param trigger when a fine-tuning run fires
 * @param holdoutFraction share of labelled image ids held out for the gate
 * @param replayPerClass replay reservoir size per class
 * @param liveWindow labelled predictions in the live accuracy (trigger and rollback)
 * @param imageRetention how long a recent image can be labelled
 * @param gate when a candidate is promoted
 * @param rollback when a promoted version is rolled back
 * @param epochs fine-tuning epochs over fresh + replay examples
 * @param learningRate fine-tuning peak learning rate
 * @param batchSize fine-tuning batch size
 * @param timeLimit fine-tuning time limit
 */
public record FeedbackConfig(
    boolean enabled,
    TriggerPolicy trigger,
    double holdoutFraction,
    int replayPerClass,
    int liveWindow,
    Duration imageRetention,
    GatePolicy gate,
    RollbackPolicy rollback,
    int epochs,
    float learningRate,
    int batchSize,
    Duration timeLimit) {

  /** The feedback topology's settings for a model with these labels and square input side. */
  public FeedbackSettings settings(
      TopicNames topics, List<String> labels, int imageSize, int maxImageBytes) {
    return new FeedbackSettings(
        topics,
        labels,
        imageSize,
        imageRetention,
        holdoutFraction,
        replayPerClass,
        trigger,
        liveWindow,
        maxImageBytes);
  }

  /** The fine-tuning recipe: no warmup, augmentation or smoothing; cosine decay; clip 1. */
  public TrainingConfig recipe() {
    return TrainingConfig.builder()
        .epochs(epochs)
        .batchSize(batchSize)
        .learningRate(learningRate)
        .warmupEpochs(0)
        .weightDecay(0)
        .labelSmoothing(0)
        .cropPadding(0)
        .flip(false)
        .evalLimit(0)
        .timeLimit(timeLimit)
        .build();
  }

  /** A copy with other fine-tuning bounds. */
  public FeedbackConfig withTrigger(TriggerPolicy t) {
    return new FeedbackConfig(
        enabled,
        t,
        holdoutFraction,
        replayPerClass,
        liveWindow,
        imageRetention,
        gate,
        rollback,
        epochs,
        learningRate,
        batchSize,
        timeLimit);
  }
}
