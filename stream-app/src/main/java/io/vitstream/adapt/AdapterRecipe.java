package io.vitstream.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.LogitModel;
import io.vitstream.image.Preprocessing;
import io.vitstream.training.Cancellation;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Builds a candidate version from a champion and the labels of a new domain: the champion's
 * encoder, head and adapters unchanged, one new {@link AdapterTrainer input adapter}, and a router
 * refitted over all experts. With {@code maxAdapters} already in use, the oldest adapter gives its
 * slot up.
 */
public final class AdapterRecipe {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(AdapterRecipe.class);

  /** The most original images {@link RouterCalibration} sets the router's raise on. */
  public static final int CALIBRATION_IMAGES = RouterCalibration.IMAGES;

  private final AdapterTrainer adapters;
  private final RouterTrainer router;
  private final int maxAdapters;
  private final long seed;

  /**
   * @param adapters trains the new adapter
   * @param maxAdapters the most adapters a version holds
   * @param seed seeds the router's initial weights
   * @param cancellation stops the router's fit early when requested
   */
  public AdapterRecipe(
      AdapterTrainer adapters, int maxAdapters, long seed, Cancellation cancellation) {
    this(adapters, maxAdapters, seed, cancellation, LabeledImages.empty(1, 1, 1));
  }

  /**
   * As above, with original images on which the router's raise of the base expert is set (see
   * {@link RouterTrainer#RouterTrainer(Cancellation, LabeledImages)}).
   */
  public AdapterRecipe(
      AdapterTrainer adapters,
      int maxAdapters,
      long seed,
      Cancellation cancellation,
      LabeledImages calibration) {
    if (maxAdapters < 1) {
      throw new IllegalArgumentException("max adapters must be >= 1, got " + maxAdapters);
    }
    this.adapters = adapters;
    this.maxAdapters = maxAdapters;
    this.seed = seed;
    this.router = new RouterTrainer(cancellation, calibration);
  }

  /**
   * A candidate; the caller owns (and closes) its model.
   *
   * @param model the candidate: champion plus the new adapter and a refitted router
   * @param adapted how the new adapter was learned
   * @param router how the router was fitted
   * @param seconds wall time of the whole recipe
   */
  public record Candidate(
      VitModel model, AdapterTrainer.Adapted adapted, RouterTrainer.Fitted router, double seconds) {

    /** One line for lineage and logs. */
    public String describe() {
      int[] t = router.targetCounts();
      StringBuilder best = new StringBuilder();
      for (int e = 0; e < t.length; e++) {
        best.append(e == 0 ? "" : "/").append(t[e]);
      }
      return String.format(
          Locale.ROOT,
          "adapter %d from %s (fresh loss %.3f, identity %.3f), %s after %d epochs"
              + " (validation loss %.3f, start %.3f), %.1f s; router on %d examples, %d steps"
              + " (best expert %s), held-out agreement %.3f, base bias %.2f (originals lost %d of %d)",
          model.config().inputAdapters(),
          adapted.start(),
          adapted.startLoss(),
          adapted.identityLoss(),
          adapted.trained() ? "trained" : "start kept",
          adapted.epochs(),
          adapted.validationLoss(),
          adapted.startValidationLoss(),
          adapted.seconds(),
          router.examples(),
          router.steps(),
          best,
          router.agreement(),
          router.baseBias(),
          router.originalsLost(),
          router.originalsJudged());
    }
  }

  /**
   * Does ahead of the first run what it would otherwise do on its critical path: the base expert's
   * answers on the router's original images (about 4,000 forward passes). Call it while idle.
   *
   * @param champion the serving version's model; only its base path is used
   * @param stop polled between batches: true to give up (a run waits)
   */
  public void warm(
      VitModel champion,
      LabeledImages originals,
      Preprocessing preprocessing,
      BooleanSupplier stop) {
    router.baseLosses.warm(
        champion, originals, InputSymmetry.IDENTITY, preprocessing, RouterTrainer.BATCH, stop);
  }

  /**
   * Measures ahead, while idle, what only a run after a symmetric drift needs: the base expert's
   * answers on each start symmetry of the router's original images (4,000 forward passes each, in
   * {@link #aheadOrder()}). A run whose start T is kept reads its loss pass's base rows on the
   * turned originals from T's answers, and its new expert's rows on the originals from those of T's
   * inverse.
   *
   * @param stop polled between batches: true to give up (a run waits)
   * @return how many of the fifteen are known
   */
  public int warmAhead(
      VitModel champion,
      LabeledImages originals,
      Preprocessing preprocessing,
      BooleanSupplier stop) {
    int known = 0;
    for (InputSymmetry s : aheadOrder()) {
      if (stop.getAsBoolean()) {
        break;
      }
      if (router.baseLosses.warm(
          champion, originals, s, preprocessing, RouterTrainer.BATCH, stop)) {
        known++;
      }
    }
    return known;
  }

  /**
   * The fifteen symmetries other than the identity in the screening's order (simplest first), each
   * followed by its inverse: a run after a quarter turn needs the answers of both turns.
   */
  static List<InputSymmetry> aheadOrder() {
    Set<InputSymmetry> order = new LinkedHashSet<>();
    for (InputSymmetry s : InputSymmetry.all()) {
      if (!s.equals(InputSymmetry.IDENTITY)) {
        order.add(s);
        order.add(s.inverse());
      }
    }
    return List.copyOf(order);
  }

  /**
   * Builds the candidate.
   *
   * @param champion the serving version's model
   * @param fresh the newest labelled images, to train the adapter
   * @param replay older labelled images, screened with them; the router fits on both, the images of
   *     every domain the version should serve
   * @param originals labelled images of the champion's original domain; the router sees them as
   *     they are and as the adapter's start symmetry transforms them (when it is not the identity)
   */
  public Candidate build(
      VitModel champion,
      LabeledImages fresh,
      LabeledImages replay,
      LabeledImages originals,
      Preprocessing preprocessing) {
    long start = System.nanoTime();
    LabeledImages routed = fresh.concat(replay);
    AdapterTrainer.Adapted adapted = adapters.train(champion, fresh, replay, preprocessing);
    int existing = champion.config().inputAdapters();
    int dropped = existing >= maxAdapters ? existing - maxAdapters + 1 : 0;
    int count = existing - dropped + 1;
    VitModel candidate =
        VitModel.create(
            champion.config().withInputAdapters(count), champion.device(), Precision.FP32);
    try (NDManager tmp = candidate.newBatchManager()) {
      Map<String, NDArray> weights = AdapterTrainer.basePath(champion);
      Map<String, ai.djl.nn.Parameter> old = champion.parameters();
      for (int k = 1; k < count; k++) {
        PatchEmbeddingWeights kept = PatchEmbeddingWeights.read(old, prefix(k + dropped));
        weights.putAll(kept.arrays(prefix(k), tmp));
      }
      weights.putAll(adapted.embedding().arrays(prefix(count), tmp));
      candidate.setWeights(weights);
      LabeledImages examples = routed.concat(originals);
      Optional<MirroredExpert> mirror = Optional.empty();
      List<BaseLossCache.Segment> known = new ArrayList<>();
      known.add(new BaseLossCache.Segment(originals, InputSymmetry.IDENTITY, routed.count()));
      if (!adapted.start().equals(InputSymmetry.IDENTITY) && originals.count() > 0) {
        examples = examples.concat(adapted.start().apply(originals));
        known.add(
            new BaseLossCache.Segment(
                originals, adapted.start(), routed.count() + originals.count()));
        if (!adapted.trained()) { // the new adapter is the start: an exact symmetry of the base
          InputSymmetry symmetry = adapted.start();
          String basePath = BaseLossCache.basePathDigest(champion);
          mirror =
              Optional.of(
                  new MirroredExpert(
                      count,
                      routed.count(),
                      routed.count() + originals.count(),
                      originals.count(),
                      symmetry.isInvolution(),
                      router.baseLosses.get(basePath, originals, symmetry.inverse()),
                      router.baseLosses.get(basePath, originals, symmetry).isPresent()));
        }
      }
      RouterTrainer.Fitted fitted =
          router.fit(
              candidate,
              examples,
              preprocessing,
              seed,
              mirror,
              routed.count(),
              routed.count() + originals.count(),
              new LossPass.Prior(known, screened(adapted, count)));
      double seconds = (System.nanoTime() - start) / 1e9;
      LOG.info(
          String.format(
              Locale.ROOT,
              "adapter %.1f s, router %.1f s (loss pass %.1f s%s)",
              adapted.seconds(),
              seconds - adapted.seconds(),
              fitted.lossPassSeconds(),
              mirror.map(MirroredExpert::describe).orElse("")));
      return new Candidate(candidate, adapted, fitted, seconds);
    } catch (RuntimeException e) {
      candidate.close();
      throw e;
    }
  }

  /**
   * The candidate's router as a classifier over its experts, when an image it routes to expert 0
   * runs exactly the champion's forward pass: the champion has no input adapters and the
   * candidate's base path is the champion's, parameter for parameter (one-hot routing then adds
   * zero times each adapter's embedding to the base one). Empty otherwise.
   */
  public static Optional<LogitModel> baseRoutes(VitModel champion, VitModel candidate) {
    if (champion.config().inputAdapters() > 0
        || candidate.config().inputAdapters() == 0
        || !BaseLossCache.basePathDigest(champion)
            .equals(BaseLossCache.basePathDigest(candidate))) {
      return Optional.empty();
    }
    return Optional.of(
        new LogitModel() {
          @Override
          public int numClasses() {
            return 1 + candidate.config().inputAdapters();
          }

          @Override
          public NDManager newBatchManager() {
            return candidate.newBatchManager();
          }

          @Override
          public NDArray logits(NDArray images) {
            return candidate.router(images).orElseThrow().get(1);
          }
        });
  }

  /**
   * The losses the adapter's screening measured on the first routed rows (they are its screened
   * images): the base expert's, and the new adapter's when it is its start, untrained.
   */
  private static List<LossPass.Known> screened(AdapterTrainer.Adapted adapted, int adapter) {
    List<LossPass.Known> known = new ArrayList<>();
    if (adapted.screened().identity() != null) {
      known.add(new LossPass.Known(0, 0, adapted.screened().identity()));
    }
    if (!adapted.trained()) {
      known.add(new LossPass.Known(adapter, 0, adapted.screened().start()));
    }
    return known;
  }

  private static String prefix(int adapter) {
    return "adapters." + adapter + ".";
  }
}
