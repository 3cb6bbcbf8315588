package io.vitstream.feedback;

import ai.djl.Device;
import io.vitstream.adapt.AdapterRecipe;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.Evaluation;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.evaluation.LogitModel;
import io.vitstream.store.LoadedModel;
import io.vitstream.store.ModelCandidate;
import io.vitstream.store.ModelManifest;
import io.vitstream.store.ModelStore;
import io.vitstream.training.Cancellation;
import io.vitstream.training.TrainingConfig;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tunes the champion on feedback, off the stream threads and one run at a time (DJL allows one
 * gradient collector per process). Each run loads its own copy of the promoted version from the
 * store, trains it on fresh plus replay examples (and a {@link Rehearsal} draw) within the training
 * config's epochs and time limit, evaluates champion and candidate on the same holdout and on a
 * fixed regression set, and lets the {@link GatePolicy} decide. A promoted candidate is published
 * as the next version (parent: the champion) and promoted. Every run ends in one ModelVersion
 * event. A NaN or diverging loss aborts the run and changes nothing but that event.
 */
public final class FineTuneJob implements FineTuner, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FineTuneJob.class);
  private static final int EVAL_BATCH = 256;

  private final ModelStore store;
  private final String name;
  private final Device device;
  private final long seed;
  private final GatePolicy gate;
  private final CandidateRecipe recipe;
  private final Cancellation cancellation;
  private final Consumer<ModelVersion> events;
  private final Evaluator evaluator = new Evaluator(EVAL_BATCH);
  private final RegressionBaseline baseline;
  private final GateEvaluation gateEvaluation;
  private long runs;
  private final AtomicLong submitted = new AtomicLong();
  private volatile long cancelledUpTo;
  private volatile boolean urgentWaiting; // the warm-up gives way to it
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "fine-tune");
            t.setDaemon(true);
            return t;
          });

  /**
   * A job that fine-tunes every weight ({@link FullFineTune}).
   *
   * @param store where the champion is loaded from and a promoted candidate written to
   * @param name the model's name in the store
   * @param device where training runs
   * @param training the fine-tuning recipe and its bounds (epochs, time limit)
   * @param gate when a candidate is promoted
   * @param regression fixed labelled images from the original test data, against forgetting
   * @param rehearsal original training images mixed into every run, against forgetting
   * @param events receives every run's ModelVersion event (e.g. a producer to model-versions)
   */
  public FineTuneJob(
      ModelStore store,
      String name,
      Device device,
      TrainingConfig training,
      GatePolicy gate,
      LabeledImages regression,
      Rehearsal rehearsal,
      Consumer<ModelVersion> events) {
    this(
        store,
        name,
        device,
        training.seed(),
        gate,
        regression,
        new FullFineTune(
            store,
            name,
            device,
            training,
            rehearsal,
            new Evaluator(EVAL_BATCH),
            new Cancellation()),
        events);
  }

  /**
   * A job that trains candidates with {@code recipe}.
   *
   * @param seed recorded in a promoted version's provenance
   * @param recipe turns the champion and a request into a candidate
   */
  public FineTuneJob(
      ModelStore store,
      String name,
      Device device,
      long seed,
      GatePolicy gate,
      LabeledImages regression,
      CandidateRecipe recipe,
      Consumer<ModelVersion> events) {
    this.store = store;
    this.name = name;
    this.device = device;
    this.seed = seed;
    this.gate = gate;
    this.recipe = recipe;
    this.events = events;
    this.cancellation = recipe.cancellation();
    this.baseline = new RegressionBaseline(store, name, device, regression, evaluator);
    this.gateEvaluation = new GateEvaluation(evaluator, regression);
  }

  /**
   * Queues, ahead of any run, the work every run for the promoted champion repeats: the recipe's
   * own (see {@link CandidateRecipe#warm}), then its answers on the regression set, then the
   * recipe's work for the runs after a drift ({@link CandidateRecipe#warmAhead}). A routine run
   * that arrives meanwhile waits for it, and then skips that work; an urgent one (or a pre-emption)
   * stops the recipe's parts at their next batch, and the run does what it needs of the rest. A
   * failure is logged, and the runs redo it.
   */
  public CompletableFuture<Void> warmUp() {
    return CompletableFuture.runAsync(
        () -> {
          long start = System.nanoTime();
          int champion = store.resolve(name, OptionalInt.empty());
          try (LoadedModel champ =
              store.load(name, OptionalInt.of(champion), device, Precision.FP32)) {
            BooleanSupplier stop = () -> urgentWaiting || cancelledUpTo > 0;
            recipe.warm(champ, stop);
            if (stop.getAsBoolean()) {
              LOG.info("fine-tuning warm-up gave way to an urgent run");
              return;
            }
            gateEvaluation.championRegression(
                champion, LogitModel.of(champ.model()), champ.manifest().preprocessing());
            LOG.info("fine-tuning warmed up for v{} in {} s", champion, secondsSince(start));
            long ahead = System.nanoTime();
            String done = recipe.warmAhead(champ, stop);
            if (!done.isEmpty()) {
              LOG.info("fine-tuning measured ahead in {} s: {}", secondsSince(ahead), done);
            }
          } catch (RuntimeException e) {
            LOG.warn("fine-tuning warm-up failed (runs will do it): {}", e.toString());
          }
        },
        executor);
  }

  private static String secondsSince(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - nanos) / 1e9);
  }

  /** Queues a run behind any running one; the future completes with its outcome. */
  @Override
  public CompletableFuture<FineTuneOutcome> submit(FineTuneRequest request) {
    long seq = submitted.incrementAndGet();
    urgentWaiting |= request.urgent();
    return CompletableFuture.supplyAsync(() -> run(request, seq), executor);
  }

  /**
   * Applies a ROLLED_BACK decision to the store's promoted pointer, once: only while the version it
   * rolled back from is still the promoted one and the version it restores preceded it. Call it off
   * the stream threads (it reads and writes the store).
   */
  @Override
  public void followRollback(ModelVersion decision) {
    if (!decision.getModelName().equals(name)) {
      return;
    }
    Double from = decision.getMetrics().get(RollbackPolicy.ROLLED_BACK_VERSION);
    List<Integer> history = store.promotionHistory(name);
    int n = history.size();
    if (from == null
        || n < 2
        || history.get(n - 1) != from.intValue()
        || history.get(n - 2) != decision.getVersion()) {
      return;
    }
    int restored = store.rollback(name);
    LOG.warn("rolled {} back to v{}: {}", name, restored, decision.getReason());
  }

  /** Runs on the calling thread; use {@link #submit} from a stream thread. */
  FineTuneOutcome run(FineTuneRequest request) {
    return run(request, 0);
  }

  /**
   * Runs the {@code seq}-th submitted request, unless it was pre-empted while it waited in the
   * queue (behind the warm-up, say): a stop requested then must not be cleared by its start.
   */
  private FineTuneOutcome run(FineTuneRequest request, long seq) {
    cancellation.reset();
    int champion = store.resolve(name, OptionalInt.empty());
    long count = request.trainingSet().count();
    if (seq > 0 && seq <= cancelledUpTo) {
      return emit(
          rejected(champion, count, "training aborted: " + Cancellation.MESSAGE),
          Optional.empty(),
          0);
    }
    try (LoadedModel champ = store.load(name, OptionalInt.of(champion), device, Precision.FP32)) {
      ModelManifest m = champ.manifest();
      CandidateRecipe.Trained trained;
      try {
        trained = recipe.train(champ, request, runs++);
      } catch (RuntimeException e) {
        return emit(
            rejected(champion, count, "training aborted: " + e.getMessage()), Optional.empty(), 0);
      }
      LOG.info(
          "trained a candidate of v{} in {} s: {}",
          champion,
          String.format(java.util.Locale.ROOT, "%.1f", trained.seconds()),
          trained.description());
      try (VitModel cand = trained.model()) {
        GateEvaluation.Result judged =
            gateEvaluation.evaluate(
                champion,
                LogitModel.of(champ.model()),
                LogitModel.of(cand),
                AdapterRecipe.baseRoutes(champ.model(), cand),
                request.holdout(),
                m.preprocessing(),
                accuracy -> baseline.accuracy(champion, accuracy));
        var metrics = judged.metrics();
        GatePolicy.Decision decision = gate.decide(metrics);
        ModelVersion event =
            decision.promote()
                ? promote(champion, m, cand, trained, request, judged, decision)
                : rejected(champion, count, decision.reason());
        Map<String, Double> eventMetrics = new HashMap<>(metrics.asMap());
        eventMetrics.put("training_seconds", trained.seconds());
        event.setMetrics(eventMetrics);
        return emit(event, Optional.of(metrics), trained.seconds());
      }
    }
  }

  private ModelVersion promote(
      int champion,
      ModelManifest m,
      VitModel cand,
      CandidateRecipe.Trained trained,
      FineTuneRequest request,
      GateEvaluation.Result judged,
      GatePolicy.Decision decision) {
    Evaluation candRegression = judged.candidateRegression();
    var candidate =
        new ModelCandidate(
            m.labels(),
            m.preprocessing(),
            new ModelManifest.Metrics(
                candRegression.accuracy(),
                candRegression.count(),
                candRegression.perClassAccuracy(),
                candRegression.confusion(),
                List.of()),
            new ModelManifest.Provenance(
                RegressionBaseline.FINE_TUNED,
                trained.epochs(),
                seed,
                "fine-tune",
                trained.seconds(),
                trained.description()
                    + "; "
                    + request.holdout().count()
                    + " holdout; "
                    + request.feedback()),
            champion);
    int version = store.publish(name, cand, candidate);
    store.promote(name, version);
    gateEvaluation.promoted(version, judged);
    return base(
            version,
            ModelStatus.PROMOTED,
            champion,
            request.trainingSet().count(),
            decision.reason())
        .setSha256(store.manifest(name, version).sha256())
        .build();
  }

  private ModelVersion rejected(int champion, long count, String reason) {
    return base(0, ModelStatus.REJECTED, champion, count, reason).build();
  }

  private ModelVersion.Builder base(
      int version, ModelStatus status, int parent, long count, String reason) {
    return ModelVersion.newBuilder()
        .setModelName(name)
        .setVersion(version)
        .setStatus(status)
        .setParentVersion(parent)
        .setFeedbackCount(count)
        .setReason(reason)
        .setEventTime(Instant.now());
  }

  private FineTuneOutcome emit(
      ModelVersion event, Optional<GatePolicy.Metrics> metrics, double seconds) {
    LOG.info(
        "fine-tune of {}: {} v{} ({})",
        name,
        event.getStatus(),
        event.getVersion(),
        event.getReason());
    events.accept(event);
    return new FineTuneOutcome(event, metrics, seconds);
  }

  @Override
  public void cancelRunning() {
    cancelledUpTo = submitted.get();
    cancellation.request();
  }

  /** Waits for the running run, then stops the thread. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.MINUTES)) {
        LOG.warn("fine-tune run still going at close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
