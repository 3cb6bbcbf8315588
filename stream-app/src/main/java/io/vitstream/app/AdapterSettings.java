package io.vitstream.app;

import io.vitstream.adapt.AdapterRecipe;
import io.vitstream.adapt.AdapterTrainer;
import io.vitstream.adapt.InputSymmetry;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.feedback.AdapterFineTune;
import io.vitstream.feedback.CandidateRecipe;
import io.vitstream.training.Cancellation;
import io.vitstream.training.TrainingConfig;
import io.vitstream.vit.ViTConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What fine-tuning learns ({@code finetune.method}) and the input adapters' settings.
 *
 * @param adapters true for input adapters with a router (the default), false to fine-tune every
 *     weight
 * @param maxAdapters the most adapters a version holds
 * @param epochs an adapter's training epochs
 * @param learningRate an adapter's peak learning rate
 * @param routerOriginals original training images the router is fitted on; up to {@value
 *     AdapterRecipe#CALIBRATION_IMAGES} of the pool's next ones set its raise of the base expert
 * @param warmAhead whether the idle loop measures the base expert on every start symmetry of them
 */
public record AdapterSettings(
    boolean adapters,
    int maxAdapters,
    int epochs,
    float learningRate,
    int routerOriginals,
    boolean warmAhead) {

  /**
   * The settings for fine-tuning {@code served}: input adapters replace a pure ViT's patch
   * projection, and a hybrid has none (its tokens come from its CNN), so a hybrid fine-tunes every
   * weight instead.
   */
  public AdapterSettings forModel(ViTConfig served) {
    return adapters && served.hybrid() != null
        ? new AdapterSettings(false, maxAdapters, epochs, learningRate, routerOriginals, warmAhead)
        : this;
  }

  /**
   * The adapter recipe, or empty when every weight is fine-tuned.
   *
   * @param batchSize the fine-tuning batch size
   * @param timeLimit the fine-tuning time limit
   * @param seed seeds training and the router
   * @param pool the model's original training images, if there are any
   * @param cancellation lets an urgent run pre-empt a running one
   */
  public Optional<CandidateRecipe> recipe(
      int batchSize,
      Duration timeLimit,
      long seed,
      Optional<Supplier<LabeledImages>> pool,
      int imageSize,
      int channels,
      Cancellation cancellation) {
    if (!adapters) {
      return Optional.empty();
    }
    TrainingConfig training =
        TrainingConfig.fineTuning()
            .epochs(epochs)
            .batchSize(batchSize)
            .learningRate(learningRate)
            .timeLimit(timeLimit)
            .seed(seed)
            .build();
    var trainer = new AdapterTrainer(training, cancellation, InputSymmetry.all());
    LabeledImages all =
        routerOriginals == 0 || pool.isEmpty()
            ? LabeledImages.empty(imageSize, imageSize, channels)
            : pool.get().get();
    LabeledImages originals = all.limit(routerOriginals);
    LabeledImages calibration =
        all.slice(
            originals.count(),
            Math.min(all.count(), originals.count() + AdapterRecipe.CALIBRATION_IMAGES));
    return Optional.of(
        new AdapterFineTune(
            new AdapterRecipe(trainer, maxAdapters, seed, cancellation, calibration),
            originals,
            warmAhead,
            cancellation));
  }
}
