package io.vitstream.inference;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model that serves now, swappable without a pause. A batch takes a {@link Lease} before its
 * forward pass and closes it after; {@link #swap} installs a new model at once (the next batch uses
 * it) and closes the old one when its last in-flight lease is closed, so native memory is released
 * exactly once and never under a running batch.
 *
 * @param <M> the model type; closing it frees its native memory
 */
public final class ModelSlot<M extends AutoCloseable> implements AutoCloseable {
  private final AtomicReference<Holder<M>> current;

  /** Starts serving {@code first}; the slot owns it from now on. */
  public ModelSlot(M first) {
    current = new AtomicReference<>(new Holder<>(Objects.requireNonNull(first)));
  }

  /** Takes the current model for one batch; close the lease when the batch is done. */
  public Lease<M> acquire() {
    while (true) {
      Holder<M> h = current.get();
      if (h.retain()) {
        return new Lease<>(h);
      }
      // h was retired and released between get() and retain(); the slot holds a newer one.
    }
  }

  /**
   * Installs {@code next}; the slot owns it. The previous model is closed once no batch uses it.
   *
   * @return the model that was serving
   */
  public M swap(M next) {
    Holder<M> old = current.getAndSet(new Holder<>(Objects.requireNonNull(next)));
    old.release(); // the slot's own reference
    return old.model;
  }

  /** The model serving now (for metadata; take a lease to run it). */
  public M peek() {
    return current.get().model;
  }

  @Override
  public void close() {
    current.get().release();
  }

  /** One batch's use of a model. */
  public static final class Lease<M extends AutoCloseable> implements AutoCloseable {
    private final Holder<M> holder;
    private boolean closed;

    private Lease(Holder<M> holder) {
      this.holder = holder;
    }

    public M model() {
      return holder.model;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        holder.release();
      }
    }
  }

  /** A model and its reference count: 1 for the slot plus 1 per open lease. */
  private static final class Holder<M extends AutoCloseable> {
    private final M model;
    private final AtomicInteger refs = new AtomicInteger(1);

    Holder(M model) {
      this.model = model;
    }

    boolean retain() {
      int n;
      do {
        n = refs.get();
        if (n == 0) {
          return false;
        }
      } while (!refs.compareAndSet(n, n + 1));
      return true;
    }

    void release() {
      if (refs.decrementAndGet() == 0) {
        try {
          model.close();
        } catch (Exception e) {
          throw new IllegalStateException("closing a retired model failed", e);
        }
      }
    }
  }
}
