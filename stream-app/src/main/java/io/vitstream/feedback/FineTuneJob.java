package io.vitstream.feedback;

import ai.djl.Device;
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
import io.vitstream.training.SoftTargets;
import io.vitstream.training.StepProgress;
import io.vitstream.training.TrainingConfig;
import io.vitstream.training.TrainingListener;
import io.vitstream.training.TrainingResult;
import io.vitstream.training.VitTrainer;
import io.vitstream.vit.Precision;
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

  /** A run aborts when the mean loss exceeds this multiple of the first step's loss. */
  static final double DIVERGENCE_FACTOR = 4;

  private final ModelStore store;
  private final String name;
  private final Device device;
  private final TrainingConfig training;
  private final GatePolicy gate;
  private final Rehearsal rehearsal;
  private final Consumer<ModelVersion> events;
  private final Evaluator evaluator = new Evaluator(EVAL_BATCH);
  private final RegressionBaseline baseline;
  private final GateEvaluation gateEvaluation;
  private long runs;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "fine-tune");
            t.setDaemon(true);
            return t;
          });

  /**
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
    this.store = store;
    this.name = name;
    this.device = device;
    this.training = training;
    this.gate = gate;
    this.rehearsal = rehearsal;
    this.events = events;
    this.baseline = new RegressionBaseline(store, name, device, regression, evaluator);
    this.gateEvaluation = new GateEvaluation(evaluator, regression);
  }

  /** Queues a run behind any running one; the future completes with its outcome. */
  @Override
  public CompletableFuture<FineTuneOutcome> submit(FineTuneRequest request) {
    return CompletableFuture.supplyAsync(() -> run(request), executor);
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
    int champion = store.resolve(name, OptionalInt.empty());
    LabeledImages feedback = request.trainingSet();
    LabeledImages rehearsed = rehearsal.draw(runs++);
    LabeledImages train = feedback.concat(rehearsed);
    try (LoadedModel champ = store.load(name, OptionalInt.of(champion), device, Precision.FP32);
        LoadedModel cand = store.load(name, OptionalInt.of(champion), device, Precision.FP32)) {
      ModelManifest m = champ.manifest();
      Optional<SoftTargets> targets =
          rehearsal.targets(
              feedback,
              rehearsed,
              champ.model().config().numClasses(),
              () -> evaluator.probabilities(champ.model(), rehearsed, m.preprocessing()));
      TrainingResult result;
      try {
        result =
            new VitTrainer(training, new DivergenceGuard())
                .fit(
                    cand.model(),
                    train,
                    targets,
                    request.holdout(),
                    m.preprocessing(),
                    Optional.empty());
      } catch (RuntimeException e) {
        return emit(
            rejected(champion, feedback.count(), "training aborted: " + e.getMessage()),
            Optional.empty(),
            0);
      }
      GateEvaluation.Result judged =
          gateEvaluation.evaluate(
              LogitModel.of(champ.model()),
              LogitModel.of(cand.model()),
              request.holdout(),
              m.preprocessing(),
              accuracy -> baseline.accuracy(champion, accuracy));
      var metrics = judged.metrics();
      Evaluation candRegression = judged.candidateRegression();
      GatePolicy.Decision decision = gate.decide(metrics);
      ModelVersion event;
      if (!decision.promote()) {
        event = rejected(champion, feedback.count(), decision.reason());
      } else {
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
                    result.epochs(),
                    training.seed(),
                    "fine-tune",
                    result.trainingSeconds(),
                    provenance(request, rehearsed.count(), rehearsal.distill())),
                champion);
        int version = store.publish(name, cand.model(), candidate);
        store.promote(name, version);
        event =
            base(version, ModelStatus.PROMOTED, champion, feedback.count(), decision.reason())
                .setSha256(store.manifest(name, version).sha256())
                .build();
      }
      Map<String, Double> eventMetrics = new HashMap<>(metrics.asMap());
      eventMetrics.put("training_seconds", result.trainingSeconds());
      event.setMetrics(eventMetrics);
      return emit(event, Optional.of(metrics), result.trainingSeconds());
    }
  }

  private static String provenance(FineTuneRequest r, int rehearsed, double distill) {
    return r.fresh().count()
        + " fresh + "
        + r.replay().count()
        + " replay + "
        + rehearsed
        + " rehearsal"
        + (rehearsed > 0 && distill > 0 ? " (distill " + distill + ")" : "")
        + ", "
        + r.holdout().count()
        + " holdout; "
        + r.feedback();
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

  /**
   * Stops a run whose loss grows far above where it started (a loss that is not finite stops the
   * trainer itself).
   */
  private static final class DivergenceGuard implements TrainingListener {
    private double first = Double.NaN;

    @Override
    public void onStep(StepProgress p) {
      if (Double.isNaN(first)) {
        first = p.loss();
      } else if (p.loss() > DIVERGENCE_FACTOR * first) {
        throw new IllegalStateException(
            "loss diverged from " + first + " to " + p.loss() + " at step " + p.step());
      }
    }
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
