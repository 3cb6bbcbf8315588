package io.vitstream.status;

import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The version of a model the services serve, as the model-versions topic says: the one of its
 * latest PROMOTED or ROLLED_BACK event (a rollback names the version to serve again).
 *
 * @param model the model's name
 * @param version the version served
 * @param status PROMOTED or ROLLED_BACK
 * @param since when that event happened
 */
public record ServedModel(String model, int version, ModelStatus status, Instant since) {

  /** One per model that has a PROMOTED or ROLLED_BACK event, in order of first appearance. */
  public static List<ServedModel> fromEvents(List<ModelVersion> events) {
    Map<String, ServedModel> served = new LinkedHashMap<>();
    for (ModelVersion e : events) {
      if (e.getStatus() == ModelStatus.PROMOTED || e.getStatus() == ModelStatus.ROLLED_BACK) {
        served.put(
            e.getModelName(),
            new ServedModel(e.getModelName(), e.getVersion(), e.getStatus(), e.getEventTime()));
      }
    }
    return List.copyOf(served.values());
  }
}
