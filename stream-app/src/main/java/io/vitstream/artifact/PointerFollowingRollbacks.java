package io.vitstream.artifact;

import io.vitstream.avro.ModelVersion;
import io.vitstream.feedback.FineTuneRequest;
import io.vitstream.feedback.FineTuner;
import io.vitstream.store.ModelStore;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link FineTuner} that, after a rollback decided by the feedback topology was applied to the
 * store, records the restored version as the promoted one on the artifact topic too, so that an
 * instance started later serves it and not the version rolled back from.
 *
 * @param tuner the fine-tuner that runs and applies the rollback
 * @param store the store the rollback is applied to
 * @param publisher writes the promoted pointer
 */
public record PointerFollowingRollbacks(
    FineTuner tuner, ModelStore store, ArtifactPublisher publisher) implements FineTuner {

  @Override
  public CompletableFuture<?> submit(FineTuneRequest request) {
    return tuner.submit(request);
  }

  @Override
  public void cancelRunning() {
    tuner.cancelRunning();
  }

  @Override
  public void followRollback(ModelVersion decision) {
    tuner.followRollback(decision);
    String name = decision.getModelName();
    if (store.promoted(name).orElse(0) == decision.getVersion()) {
      publisher.promote(name, decision.getVersion());
    }
  }
}
