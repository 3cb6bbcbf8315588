package io.vitstream.app;

import io.vitstream.dataset.LabeledImages;
import io.vitstream.feedback.GatePolicy;
import io.vitstream.feedback.Rehearsal;
import io.vitstream.feedback.RollbackPolicy;
import io.vitstream.feedback.TriggerPolicy;
import io.vitstream.kafka.TopicNames;
import io.vitstream.topology.FeedbackSettings;
import io.vitstream.training.OptimizerKind;
import io.vitstream.training.TrainingConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The feedback loop's configuration (the {@code feedback.*} and {@code finetune.*} keys).
 *
 * @param enabled whether {@code vitstream run} also runs the feedback service
 * @param trigger when a fine-tuning run fires
 * @param holdoutFraction share of labelled image ids held out for the gate
 * @param holdoutMaxCount the most holdout examples kept
 * @param holdoutMaxAge the oldest holdout example kept
 * @param replayPerClass replay reservoir size per class
 * @param liveWindow labelled predictions in the live accuracy (trigger and rollback)
 * @param imageRetention how long a recent image can be labelled
 * @param regressionSource where the gate's regression set comes from; empty = by the model
 * @param gate when a candidate is promoted
 * @param rollback when a promoted version is rolled back
 * @param optimizer the fine-tuning optimizer (SGD with momentum, as in the paper, or AdamW)
 * @param rehearsalExamples original training images mixed into every fine-tuning run (0 = none)
 * @param rehearsalDistill share of a rehearsal image's target taken from the champion's prediction
 * @param epochs fine-tuning epochs over fresh + replay examples
 * @param learningRate fine-tuning peak learning rate
 * @param batchSize fine-tuning batch size
 * @param timeLimit fine-tuning time limit
 * @param adapters what fine-tuning learns, and the input adapters' settings
 */
public record FeedbackConfig(
    boolean enabled,
    TriggerPolicy trigger,
    double holdoutFraction,
    int holdoutMaxCount,
    Duration holdoutMaxAge,
    int replayPerClass,
    int liveWindow,
    Duration imageRetention,
    Optional<RegressionSource> regressionSource,
    GatePolicy gate,
    RollbackPolicy rollback,
    OptimizerKind optimizer,
    int rehearsalExamples,
    double rehearsalDistill,
    int epochs,
    float learningRate,
    int batchSize,
    Duration timeLimit,
    AdapterSettings adapters) {

  public FeedbackConfig {
    if (!(rehearsalDistill >= 0 && rehearsalDistill <= 1)) {
      throw new IllegalArgumentException(
          FeedbackKeys.FINETUNE_DISTILL.name() + " must be in [0, 1], got " + rehearsalDistill);
    }
  }

  /**
   * The feedback topology's settings for a model with these labels, square input side and channels.
   */
  public FeedbackSettings settings(
      TopicNames topics,
      List<String> labels,
      int imageSize,
      int channels,
      int maxImageBytes,
      int deadLetterValueBytes) {
    return new FeedbackSettings(
        topics,
        labels,
        imageSize,
        channels,
        imageRetention,
        holdoutFraction,
        holdoutMaxCount,
        holdoutMaxAge,
        replayPerClass,
        trigger,
        rollback,
        liveWindow,
        maxImageBytes,
        deadLetterValueBytes);
  }

  /** The fine-tuning recipe: no warmup, augmentation or smoothing; cosine decay; clip 1. */
  public TrainingConfig recipe() {
    return TrainingConfig.fineTuning()
        .optimizer(optimizer)
        .epochs(epochs)
        .batchSize(batchSize)
        .learningRate(learningRate)
        .timeLimit(timeLimit)
        .build();
  }

  /**
   * The rehearsal for the model's original training data; loads it only when rehearsal is on.
   *
   * @param pool supplies the original training images, if there are any
   * @param imageSize the side of the model's square input
   * @param channels the model's input channels
   * @throws IllegalArgumentException in one line when rehearsal is on and there is no pool
   */
  public Rehearsal rehearsal(Optional<Supplier<LabeledImages>> pool, int imageSize, int channels) {
    if (rehearsalExamples == 0) {
      return Rehearsal.none(imageSize, imageSize, channels);
    }
    Supplier<LabeledImages> images =
        pool.orElseThrow(
            () ->
                new IllegalArgumentException(
                    FeedbackKeys.FINETUNE_REHEARSAL.name()
                        + "="
                        + rehearsalExamples
                        + " needs the model's training images; only the fashion-mnist"
                        + " regression source has them: set it to 0"));
    return new Rehearsal(images.get(), rehearsalExamples, 7, rehearsalDistill);
  }

  /** A copy with other fine-tuning bounds. */
  public FeedbackConfig withTrigger(TriggerPolicy t) {
    return new FeedbackConfig(
        enabled,
        t,
        holdoutFraction,
        holdoutMaxCount,
        holdoutMaxAge,
        replayPerClass,
        liveWindow,
        imageRetention,
        regressionSource,
        gate,
        rollback,
        optimizer,
        rehearsalExamples,
        rehearsalDistill,
        epochs,
        learningRate,
        batchSize,
        timeLimit,
        adapters);
  }
}
