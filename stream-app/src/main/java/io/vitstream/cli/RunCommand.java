package io.vitstream.cli;

import io.vitstream.app.AppConfig;
import io.vitstream.app.FeedbackLoop;
import io.vitstream.app.InferenceService;
import io.vitstream.app.ModelBootstrap;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.kafka.BrokerProbe;
import io.vitstream.metrics.HttpEndpoint;
import io.vitstream.metrics.Metrics;
import io.vitstream.metrics.MetricsHandler;
import io.vitstream.store.ModelStore;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code vitstream run}: the inference service against any Kafka, until Ctrl-C. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Classify images from the images topic into the predictions topic.")
final class RunCommand implements Callable<Integer> {
  /** How often the services are checked for a stop of their own. */
  private static final long POLL_MS = 500;

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions options;
  @Mixin ServingOptions serving;

  @Override
  public Integer call() throws Exception {
    AppConfig config = options.load(serving.flags());
    // before the model loads: an unreachable broker is reported in seconds, not after warm-up
    new BrokerProbe(config.clientConfig())
        .await(
            config.brokerWait(), line -> spec.commandLine().getErr().println("vitstream: " + line));
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  awaitQuietly(closed); // let the service leave the group before the JVM exits
                },
                "run-shutdown"));
    // Without a checkpoint the model comes from the store, and promotions announced on
    // model-versions are swapped in.
    Optional<ModelStore> store =
        config.model().checkpoint().isEmpty()
            ? Optional.of(ModelStore.open(CliPaths.defaultStore()))
            : Optional.empty();
    // an empty store gets the cluster's promoted version from Kafka; a first instance seeds it
    store.ifPresent(s -> ModelBootstrap.prepare(config, s));
    try (Metrics metrics = Metrics.prometheus();
        HttpEndpoint http = HttpEndpoint.start(config.metricsPort());
        ModelSlot<ServingModel> slot =
            new ModelSlot<>(config.model().provider(CliPaths.openDefaultStore()).load());
        InferenceService service =
            new InferenceService(config, slot, store, Optional.empty(), metrics);
        FeedbackLoop loop = FeedbackLoop.forRun(config, store, slot.peek(), metrics)) {
      http.handle(MetricsHandler.PATH, new MetricsHandler(metrics));
      service.start();
      ServingModel model = slot.peek();
      if (loop.running()) {
        spec.commandLine()
            .getOut()
            .printf(
                "run: feedback loop on %s (fine-tuning %s from the store)%n",
                config.inference().topics().feedback(), model.name());
      }
      spec.commandLine()
          .getOut()
          .printf(
              "run: serving %s v%d from %s to %s on %s; Ctrl-C stops it%n",
              model.name(),
              model.version(),
              config.inference().topics().images(),
              config.inference().topics().predictions(),
              config.bootstrapServers());
      spec.commandLine().getOut().printf("run: metrics at %s%n", http.url(MetricsHandler.PATH));
      spec.commandLine().getOut().flush();
      while (!stop.await(POLL_MS, TimeUnit.MILLISECONDS)) {
        // a stopped client does nothing while the process looks healthy: end it (one line, exit 1)
        // so that a supervisor restarts it
        service.throwIfFailed();
        loop.throwIfFailed();
      }
    } finally {
      closed.countDown();
    }
    return 0;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
