package io.vitstream.feedback;

import io.vitstream.avro.ModelVersion;
import java.util.concurrent.CompletableFuture;

/** What the {@link FineTuneWorker} hands requests and rollback decisions to. */
public interface FineTuner {
  /** Starts a run off the caller's thread; the future completes when it has ended. */
  CompletableFuture<?> submit(FineTuneRequest request);

  /** Applies a ROLLED_BACK decision to wherever the promoted version is kept. */
  void followRollback(ModelVersion decision);

  /** Asks the running run, if any, to stop early (it ends as rejected); the default ignores it. */
  default void cancelRunning() {}
}
