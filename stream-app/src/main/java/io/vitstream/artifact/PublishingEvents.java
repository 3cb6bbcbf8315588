package io.vitstream.artifact;

import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.store.ModelStore;
import java.util.function.Consumer;

/**
 * Puts a version's artifact on the artifact topic before its PROMOTED or ROLLED_BACK event goes
 * out, so that an instance acting on the event finds the artifact complete. Other events pass
 * straight through.
 *
 * @param store where the version's files are
 * @param publisher writes the artifact and the promoted pointer, each acknowledged
 * @param events receives every event afterwards (e.g. a producer to model-versions)
 */
public record PublishingEvents(
    ModelStore store, ArtifactPublisher publisher, Consumer<ModelVersion> events)
    implements Consumer<ModelVersion> {

  /**
   * @throws ArtifactException when the artifact cannot be published; the event is then not sent
   */
  @Override
  public void accept(ModelVersion event) {
    ModelStatus status = event.getStatus();
    if (status == ModelStatus.PROMOTED || status == ModelStatus.ROLLED_BACK) {
      publisher.publish(store, event.getModelName(), event.getVersion());
      publisher.promote(event.getModelName(), event.getVersion());
    }
    events.accept(event);
  }
}
