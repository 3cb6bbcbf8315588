package io.vitstream.cli;

import io.vitstream.app.AppConfig;
import io.vitstream.artifact.ArtifactPublisher;
import io.vitstream.artifact.PublishingEvents;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.feedback.ModelVersionPublisher;
import io.vitstream.store.ModelNames;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vitstream model rollback NAME}: restores the previously promoted version. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = "Promote again the version promoted before the current one.")
final class RollbackCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin StoreOption store;
  @Mixin ConfigOptions options;

  @Option(
      names = "--announce",
      description =
          "Also publish the version to model-artifacts and a ROLLED_BACK event to model-versions,"
              + " so running services swap back")
  boolean announce;

  @Parameters(paramLabel = "NAME", description = "the model")
  String name;

  @Override
  public Integer call() {
    int version = store.open().rollback(ModelNames.check(name));
    spec.commandLine().getOut().println("rolled back " + name + " to version " + version);
    if (announce) {
      AppConfig config = options.load(Map.of());
      String topic = config.inference().topics().modelVersions();
      try (var publisher = new ModelVersionPublisher(config.clientConfig(), topic);
          var artifacts = new ArtifactPublisher(config.clientConfig(), config.artifacts())) {
        new PublishingEvents(store.open(), artifacts, publisher)
            .accept(
                ModelVersion.newBuilder()
                    .setModelName(name)
                    .setVersion(version)
                    .setStatus(ModelStatus.ROLLED_BACK)
                    .setReason("rolled back by hand")
                    .setEventTime(Instant.now())
                    .build());
      }
      spec.commandLine().getOut().println("announced on " + topic);
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
