package io.vitstream.store;

import io.vitstream.image.Preprocessing;
import java.util.List;

/**
 * What a caller supplies to publish a version; the store adds the name, version, time, geometry and
 * checksum.
 *
 * @param parentVersion the version it was fine-tuned from; 0 for none
 */
public record ModelCandidate(
    List<String> labels,
    Preprocessing preprocessing,
    ModelManifest.Metrics metrics,
    ModelManifest.Provenance provenance,
    int parentVersion) {

  public ModelCandidate {
    labels = List.copyOf(labels);
    if (parentVersion < 0) {
      throw new IllegalArgumentException("parent version must be >= 0, got " + parentVersion);
    }
  }
}
