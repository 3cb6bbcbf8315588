package io.vitstream.feedback;

import ai.djl.Device;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.store.LoadedModel;
import io.vitstream.store.ModelStore;
import io.vitstream.training.Cancellation;
import io.vitstream.training.SoftTargets;
import io.vitstream.training.TrainingConfig;
import io.vitstream.training.TrainingResult;
import io.vitstream.training.VitTrainer;
import io.vitstream.vit.Precision;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Fine-tunes every weight of a copy of the champion on the fresh and replayed examples plus a
 * {@link Rehearsal} draw of the original training data (optionally distilled from the champion).
 */
public final class FullFineTune implements CandidateRecipe {
  private final ModelStore store;
  private final String name;
  private final Device device;
  private final TrainingConfig training;
  private final Rehearsal rehearsal;
  private final Evaluator evaluator;
  private final Cancellation cancellation;

  /**
   * @param store where the champion's copy is loaded from
   * @param name the model's name in the store
   * @param device where training runs
   * @param training the recipe and its bounds
   * @param rehearsal original training images mixed into every run
   * @param evaluator computes the champion's probabilities for distillation
   * @param cancellation stops training early when requested
   */
  public FullFineTune(
      ModelStore store,
      String name,
      Device device,
      TrainingConfig training,
      Rehearsal rehearsal,
      Evaluator evaluator,
      Cancellation cancellation) {
    this.store = store;
    this.name = name;
    this.device = device;
    this.training = training;
    this.rehearsal = rehearsal;
    this.evaluator = evaluator;
    this.cancellation = cancellation;
  }

  @Override
  public Cancellation cancellation() {
    return cancellation;
  }

  @Override
  public Trained train(LoadedModel champion, FineTuneRequest request, long run) {
    LabeledImages feedback = request.trainingSet();
    LabeledImages rehearsed = rehearsal.draw(run);
    var pre = champion.manifest().preprocessing();
    Optional<SoftTargets> targets =
        rehearsal.targets(
            feedback,
            rehearsed,
            champion.model().config().numClasses(),
            () -> evaluator.probabilities(champion.model(), rehearsed, pre));
    LoadedModel cand =
        store.load(name, OptionalInt.of(champion.manifest().version()), device, Precision.FP32);
    try {
      TrainingResult result =
          new VitTrainer(training, new DivergenceGuard(cancellation))
              .fit(
                  cand.model(),
                  feedback.concat(rehearsed),
                  targets,
                  request.holdout(),
                  pre,
                  Optional.empty());
      String text =
          "all weights, "
              + request.fresh().count()
              + " fresh + "
              + request.replay().count()
              + " replay + "
              + rehearsed.count()
              + " rehearsal"
              + (rehearsed.count() > 0 && rehearsal.distill() > 0
                  ? " (distill " + rehearsal.distill() + ")"
                  : "");
      return new Trained(cand.model(), result.epochs(), result.trainingSeconds(), text);
    } catch (RuntimeException e) {
      cand.close();
      throw e;
    }
  }
}
