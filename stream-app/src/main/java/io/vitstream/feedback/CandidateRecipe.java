package io.vitstream.feedback;

import io.vitstream.store.LoadedModel;
import io.vitstream.training.Cancellation;
import io.vitstream.vit.VitModel;
import java.util.function.BooleanSupplier;

/** How a fine-tuning run turns the champion and a request into a candidate model. */
public interface CandidateRecipe {
  /**
   * A trained candidate; the caller closes its model.
   *
   * @param model the candidate
   * @param epochs training epochs completed
   * @param seconds wall time of the recipe
   * @param description what was trained, for the manifest's provenance and the lineage
   */
  record Trained(VitModel model, int epochs, double seconds, String description) {}

  /**
   * Trains a candidate.
   *
   * @param champion the serving version, loaded for this run (not to be modified)
   * @param request the examples
   * @param run this job's run counter, for deterministic draws
   * @throws RuntimeException when training fails or diverges; nothing stays allocated
   */
  Trained train(LoadedModel champion, FineTuneRequest request, long run);

  /**
   * Does ahead of the first run, while the loop is idle, work that every run for this champion
   * would otherwise do on its critical path. Nothing by default.
   *
   * @param champion the serving version (not to be modified)
   * @param stop polled as it goes: true when a run waits for it (what is left, the run does)
   */
  default void warm(LoadedModel champion, BooleanSupplier stop) {}

  /**
   * After {@link #warm}, while the loop is still idle, does ahead work that only some runs need
   * (e.g. those after a particular drift). Nothing by default.
   *
   * @param champion the serving version (not to be modified)
   * @param stop polled as it goes: true when a run waits for it
   * @return a summary for the log, or empty when there was nothing to do
   */
  default String warmAhead(LoadedModel champion, BooleanSupplier stop) {
    return "";
  }

  /** Stops a running {@link #train} early when requested; reset before every run. */
  Cancellation cancellation();
}
