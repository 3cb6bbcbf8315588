package io.vitstream.training;

import java.util.concurrent.CancellationException;

/**
 * A request to stop a training run early, checked at every step: another thread calls {@link
 * #request}, the training thread's next {@link #check} throws.
 */
public final class Cancellation implements TrainingListener {
  /** What a stopped run says. */
  public static final String MESSAGE = "pre-empted by an urgent request";

  private volatile boolean requested;

  /** Asks the running training to stop at its next check. */
  public void request() {
    requested = true;
  }

  /** Clears a request, before a new run starts. */
  public void reset() {
    requested = false;
  }

  /**
   * Throws when a stop was requested.
   *
   * @throws CancellationException then
   */
  public void check() {
    if (requested) {
      throw new CancellationException(MESSAGE);
    }
  }

  @Override
  public void onStep(StepProgress progress) {
    check();
  }

  @Override
  public void onPass() {
    check();
  }
}
