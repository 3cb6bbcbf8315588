package io.vitstream.feedback;

import io.vitstream.adapt.AdapterRecipe;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.store.LoadedModel;
import io.vitstream.training.Cancellation;
import java.util.function.BooleanSupplier;

/**
 * Learns a new input adapter on the examples of the request (fresh and replayed: the adapter picks
 * those of its domain, see {@link io.vitstream.adapt.AdapterTrainer}) and refits the router over
 * the champion's experts, the fresh and replayed examples and original images (see {@link
 * AdapterRecipe}); every other weight is the champion's.
 */
public final class AdapterFineTune implements CandidateRecipe {
  private final AdapterRecipe recipe;
  private final LabeledImages originals;
  private final boolean warmAhead;
  private final Cancellation cancellation;

  /**
   * @param recipe trains the adapter and the router
   * @param originals labelled images of the model's original data for the router (may be empty)
   * @param warmAhead whether {@link #warmAhead} measures the base expert on their symmetries
   * @param cancellation the one {@code recipe} checks
   */
  public AdapterFineTune(
      AdapterRecipe recipe, LabeledImages originals, boolean warmAhead, Cancellation cancellation) {
    this.recipe = recipe;
    this.originals = originals;
    this.warmAhead = warmAhead;
    this.cancellation = cancellation;
  }

  @Override
  public Cancellation cancellation() {
    return cancellation;
  }

  @Override
  public void warm(LoadedModel champion, BooleanSupplier stop) {
    recipe.warm(champion.model(), originals, champion.manifest().preprocessing(), stop);
  }

  @Override
  public String warmAhead(LoadedModel champion, BooleanSupplier stop) {
    if (!warmAhead || originals.count() == 0) {
      return "";
    }
    int known =
        recipe.warmAhead(champion.model(), originals, champion.manifest().preprocessing(), stop);
    return "the base expert on " + known + " of 15 start symmetries of the originals";
  }

  @Override
  public Trained train(LoadedModel champion, FineTuneRequest request, long run) {
    AdapterRecipe.Candidate c =
        recipe.build(
            champion.model(),
            request.fresh(),
            request.replay(),
            originals,
            champion.manifest().preprocessing());
    return new Trained(
        c.model(),
        c.adapted().epochs(),
        c.seconds(),
        c.describe()
            + "; "
            + request.fresh().count()
            + " fresh + "
            + request.replay().count()
            + " replay + "
            + originals.count()
            + " originals for the router");
  }
}
