package io.vitstream.app;

import ai.djl.Device;
import io.vitstream.artifact.ArtifactPublisher;
import io.vitstream.artifact.PointerFollowingRollbacks;
import io.vitstream.artifact.PublishingEvents;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.feedback.CandidateRecipe;
import io.vitstream.feedback.FineTuneJob;
import io.vitstream.feedback.FullFineTune;
import io.vitstream.feedback.ModelVersionPublisher;
import io.vitstream.inference.ServingModel;
import io.vitstream.metrics.Metrics;
import io.vitstream.store.ModelStore;
import io.vitstream.training.Cancellation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The feedback loop, wired once for {@code vitstream run}, the drift demo and the tests: the
 * feedback service and its fine-tuning job on the store the served model comes from, publishing
 * ModelVersion events, each promoted version's artifact first (rollbacks are decided in the
 * feedback topology). A loop that is off is a real object that does nothing.
 */
public final class FeedbackLoop implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FeedbackLoop.class);

  /**
   * The model's original data, against forgetting.
   *
   * @param regression fixed labelled images the gate evaluates champion and candidate on
   * @param training the original training images, to rehearse, if there are any; read only when
   *     rehearsal is on
   */
  public record OriginalData(
      LabeledImages regression, Optional<Supplier<LabeledImages>> training) {}

  private final Optional<FeedbackService> service;
  private final List<AutoCloseable> owned; // closed in this order

  private FeedbackLoop(Optional<FeedbackService> service, List<AutoCloseable> owned) {
    this.service = service;
    this.owned = List.copyOf(owned);
  }

  /** A loop that is off. */
  public static FeedbackLoop disabled() {
    return new FeedbackLoop(Optional.empty(), List.of());
  }

  /**
   * The loop of {@code vitstream run}: off unless {@code feedback.enabled=true}; then started on
   * the store, with the regression set of {@code feedback.regression.source} (Fashion-MNIST's for a
   * model with its labels).
   *
   * @throws IllegalArgumentException in one line when the loop is on but there is no store or no
   *     regression set for the model
   */
  public static FeedbackLoop forRun(
      AppConfig config, Optional<ModelStore> store, ServingModel model) {
    return forRun(config, store, model, Metrics.noop());
  }

  /** The loop of {@code vitstream run}, as above, reporting to {@code metrics}. */
  public static FeedbackLoop forRun(
      AppConfig config, Optional<ModelStore> store, ServingModel model, Metrics metrics) {
    FeedbackConfig fc = config.feedback();
    if (!fc.enabled()) {
      return disabled();
    }
    ModelStore s =
        store.orElseThrow(
            () ->
                new IllegalArgumentException(
                    "feedback.enabled=true needs the model store (no model.checkpoint)"));
    RegressionSource source = RegressionSource.forModel(fc.regressionSource(), model.labels());
    var data =
        new OriginalData(
            source.load(model.labels(), model.preprocessing()), source.trainingImages());
    return start(config, s, model, data, metrics);
  }

  /**
   * Starts the loop for {@code model} (the store's promoted version), whatever {@code
   * feedback.enabled} says.
   *
   * @throws IllegalStateException when a topic has the wrong number of partitions
   */
  public static FeedbackLoop start(
      AppConfig config, ModelStore store, ServingModel model, OriginalData data) {
    return start(config, store, model, data, Metrics.noop());
  }

  /** Starts the loop as above, reporting live accuracy and Streams' metrics to {@code metrics}. */
  public static FeedbackLoop start(
      AppConfig config, ModelStore store, ServingModel model, OriginalData data, Metrics metrics) {
    FeedbackConfig fc = config.feedback();
    var topics = config.inference().topics();
    int size = model.preprocessing().size();
    int channels = model.preprocessing().channels();
    var settings =
        fc.settings(
            topics,
            model.labels(),
            size,
            channels,
            config.inference().maxImageBytes(),
            config.inference().deadLetterValueBytes());
    var rehearsal = fc.rehearsal(data.training(), size, channels);
    List<AutoCloseable> owned = new ArrayList<>();
    try {
      var publisher = new ModelVersionPublisher(config.clientConfig(), topics.modelVersions());
      owned.add(0, publisher);
      var artifacts = new ArtifactPublisher(config.clientConfig(), config.artifacts());
      owned.add(0, artifacts);
      Device device = Device.fromName(config.model().device());
      Cancellation cancellation = new Cancellation();
      AdapterSettings adapters = fc.adapters().forModel(model.model().config());
      if (adapters.adapters() != fc.adapters().adapters()) {
        LOG.info(
            "{} is a hybrid ViT, which input adapters cannot serve (they replace a pure ViT's patch"
                + " projection): fine-tuning every weight (finetune.method=full)",
            model.name());
      }
      CandidateRecipe recipe =
          adapters
              .recipe(
                  fc.batchSize(),
                  fc.timeLimit(),
                  fc.recipe().seed(),
                  data.training(),
                  size,
                  channels,
                  cancellation)
              .orElseGet(
                  () ->
                      new FullFineTune(
                          store,
                          model.name(),
                          device,
                          fc.recipe(),
                          rehearsal,
                          new Evaluator(256),
                          cancellation));
      var job =
          new FineTuneJob(
              store,
              model.name(),
              device,
              fc.recipe().seed(),
              fc.gate(),
              data.regression(),
              recipe,
              new PublishingEvents(store, artifacts, publisher));
      owned.add(0, job);
      job.warmUp();
      var tuner = new PointerFollowingRollbacks(job, store, artifacts);
      var service = new FeedbackService(config, settings, tuner, metrics);
      owned.add(0, service);
      service.start();
      return new FeedbackLoop(Optional.of(service), owned);
    } catch (RuntimeException e) {
      closeAll(owned, e);
      throw e;
    }
  }

  /** Whether the loop runs (it is on). */
  public boolean running() {
    return service.isPresent();
  }

  /** Returns while the loop runs or is off; throws, saying why, once it stopped by itself. */
  public void throwIfFailed() {
    service.ifPresent(FeedbackService::throwIfFailed);
  }

  /** Stops the service, then waits for a running fine-tune, then closes the publisher. */
  @Override
  public void close() {
    RuntimeException failure = new RuntimeException("closing the feedback loop failed");
    closeAll(owned, failure);
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  private static void closeAll(List<AutoCloseable> resources, Throwable failures) {
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        failures.addSuppressed(e);
      }
    }
  }
}
