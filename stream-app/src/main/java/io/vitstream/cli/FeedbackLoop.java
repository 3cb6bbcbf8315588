package io.vitstream.cli;

import ai.djl.Device;
import io.vitstream.app.AppConfig;
import io.vitstream.app.FeedbackConfig;
import io.vitstream.app.FeedbackService;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.feedback.FineTuneJob;
import io.vitstream.feedback.ModelVersionPublisher;
import io.vitstream.inference.ServingModel;
import io.vitstream.store.ModelStore;
import java.util.Optional;

/**
 * The feedback loop of {@code vitstream run} ({@code feedback.enabled=true}): the feedback service,
 * its fine-tuning job, on the store the served model comes from (rollbacks are decided in the
 * feedback topology). The regression set is the last 1,000 Fashion-MNIST test images.
 */
final class FeedbackLoop implements AutoCloseable {
  static final int REGRESSION_SIZE = 1000;

  private final ModelVersionPublisher publisher;
  private final FineTuneJob job;
  private final FeedbackService service;

  private FeedbackLoop(ModelVersionPublisher publisher, FineTuneJob job, FeedbackService service) {
    this.publisher = publisher;
    this.job = job;
    this.service = service;
  }

  /** Starts the loop when enabled (it needs a store), else returns one that does nothing. */
  static FeedbackLoop start(AppConfig config, Optional<ModelStore> store, ServingModel model) {
    FeedbackConfig fc = config.feedback();
    if (!fc.enabled()) {
      return new FeedbackLoop(null, null, null);
    }
    ModelStore s =
        store.orElseThrow(
            () ->
                new IllegalArgumentException(
                    "feedback.enabled=true needs the model store (no model.checkpoint)"));
    LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
    LabeledImages regression = test.slice(test.count() - REGRESSION_SIZE, test.count());
    var topics = config.inference().topics();
    var publisher = new ModelVersionPublisher(config.clientConfig(), topics.modelVersions());
    var job =
        new FineTuneJob(
            s,
            model.name(),
            Device.fromName(config.model().device()),
            fc.recipe(),
            fc.gate(),
            regression,
            fc.rehearsal(
                () -> FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TRAIN), test.rows()),
            publisher);
    var settings =
        fc.settings(
            topics,
            model.labels(),
            model.preprocessing().size(),
            config.inference().maxImageBytes(),
            config.inference().deadLetterValueBytes());
    var service = new FeedbackService(config, settings, job);
    service.start();
    return new FeedbackLoop(publisher, job, service);
  }

  boolean running() {
    return service != null;
  }

  /** Returns while the loop runs or is off; throws, saying why, once it stopped by itself. */
  void throwIfFailed() {
    if (service != null) {
      service.throwIfFailed();
    }
  }

  @Override
  public void close() {
    if (service != null) {
      service.close();
      job.close();
      publisher.close();
    }
  }
}
