package io.vitstream.artifact;

/**
 * Keys on the artifact topic. Every record of a live version has its own key, so compaction keeps
 * them all and drops only what a later record of the same key replaced:
 *
 * <pre>
 * &lt;model&gt;/&lt;version&gt;/&lt;index&gt;    a CHUNK of model.safetensors, index from 0
 * &lt;model&gt;/&lt;version&gt;/manifest  the HEADER: manifest.json, the whole file's sha256, the chunk count
 * &lt;model&gt;/promoted            the POINTER: the promoted version
 * </pre>
 *
 * Model names cannot contain {@code /} (see {@code ModelNames}), so keys do not collide.
 */
final class ArtifactKeys {
  private ArtifactKeys() {}

  static String chunk(String model, int version, int index) {
    return versionPrefix(model, version) + index;
  }

  static String header(String model, int version) {
    return versionPrefix(model, version) + "manifest";
  }

  static String pointer(String model) {
    return model + "/promoted";
  }

  /** What every key of a version starts with. */
  static String versionPrefix(String model, int version) {
    return model + "/" + version + "/";
  }
}
