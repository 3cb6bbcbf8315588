package io.vitstream.runtime;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Process-wide DJL settings. The engine is loaded offline from the native jar on the class path
 * (nothing is downloaded), and gradient recording, which DJL starts on in every thread, is turned
 * off where inference runs.
 */
public final class Djl {
  private Djl() {}

  /** Sets offline mode unless the user chose otherwise, and loads the PyTorch engine. */
  public static synchronized void ensureConfigured() {
    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty("ai.djl.pytorch.graph_optimizer") == null) {
      System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
    }
    Engine.getEngine("PyTorch");
  }

  /** Sets the number of intra-op threads of the PyTorch engine (process-wide). */
  public static void setIntraOpThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    ensureConfigured();
    JniUtils.setNumThreads(threads);
  }

  /** The number of intra-op threads of the PyTorch engine. */
  public static int intraOpThreads() {
    ensureConfigured();
    return JniUtils.getNumThreads();
  }

  /** Seeds the engine's generator (initialisation, dropout) for the whole process. */
  public static void setSeed(long seed) {
    ensureConfigured();
    Engine.getInstance().setRandomSeed((int) seed);
  }

  /**
   * Turns gradient recording off on the calling thread. Checked on every call (one cheap native
   * read), because a training step on the same thread may have turned it back on.
   */
  public static void disableGradOnThisThread() {
    if (JniUtils.isGradMode()) {
      JniUtils.setGradMode(false);
    }
  }
}
