package io.vitstream.cli;

import io.vitstream.app.AppConfig;
import io.vitstream.artifact.ArtifactPublisher;
import io.vitstream.artifact.PublishingEvents;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.feedback.ModelVersionPublisher;
import io.vitstream.store.ModelStore;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vitstream model promote NAME:VERSION}. */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description = "Make a model version the promoted (serving) one.")
final class PromoteCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin StoreOption store;
  @Mixin ConfigOptions options;

  @Option(
      names = "--announce",
      description =
          "Also publish the version to model-artifacts and a PROMOTED event to model-versions,"
              + " so running services (on any machine) swap to it")
  boolean announce;

  @Parameters(paramLabel = "NAME:VERSION", description = "the version to promote")
  String model;

  @Override
  public Integer call() {
    ModelRef ref = ModelRef.parse(model);
    if (ref.version().isEmpty()) {
      throw new IllegalArgumentException("give a version: " + ref.name() + ":VERSION");
    }
    int version = ref.version().getAsInt();
    ModelStore s = store.open();
    s.promote(ref.name(), version);
    spec.commandLine().getOut().println("promoted " + ref);
    if (announce) {
      AppConfig config = options.load(Map.of());
      String topic = config.inference().topics().modelVersions();
      try (var events = new ModelVersionPublisher(config.clientConfig(), topic);
          var artifacts = new ArtifactPublisher(config.clientConfig(), config.artifacts())) {
        new PublishingEvents(s, artifacts, events)
            .accept(
                ModelVersion.newBuilder()
                    .setModelName(ref.name())
                    .setVersion(version)
                    .setStatus(ModelStatus.PROMOTED)
                    .setSha256(s.manifest(ref.name(), version).sha256())
                    .setReason("promoted by hand")
                    .setEventTime(Instant.now())
                    .build());
      }
      spec.commandLine()
          .getOut()
          .println("announced on " + topic + " (artifact on " + config.artifacts().topic() + ")");
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
