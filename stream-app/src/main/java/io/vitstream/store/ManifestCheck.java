package io.vitstream.store;

import java.nio.file.Path;

/** Checks that a manifest describes the version it sits in and agrees with itself. */
final class ManifestCheck {
  private ManifestCheck() {}

  /**
   * @param file the manifest's path, for the message
   * @throws StoreException naming the file and the first disagreement
   */
  static void ofVersion(Path file, String name, int version, ModelManifest m) {
    String refusal = "refusing to load model " + name + ":" + version + ": " + file + " ";
    require(m.vit() != null, refusal + "has no vit geometry");
    require(m.preprocessing() != null, refusal + "has no preprocessing");
    require(m.sha256() != null, refusal + "has no sha256 of the weights");
    require(
        name.equals(m.name()) && version == m.version(),
        refusal + "describes " + m.name() + ":" + m.version());
    int classes = m.vit().numClasses();
    require(
        m.labels().size() == classes,
        refusal
            + "lists "
            + m.labels().size()
            + " labels but its geometry has "
            + classes
            + " classes");
    var p = m.preprocessing();
    require(
        p.std().stream().allMatch(v -> v > 0 && Float.isFinite(v))
            && p.mean().stream().allMatch(Float::isFinite),
        refusal + "has a preprocessing std that is not positive, or a mean that is not finite");
    require(
        p.size() == m.vit().imageSize() && p.channels() == m.vit().channels(),
        refusal
            + "preprocesses to "
            + p.channels()
            + "x"
            + p.size()
            + "x"
            + p.size()
            + " but its geometry takes "
            + m.vit().channels()
            + "x"
            + m.vit().imageSize()
            + "x"
            + m.vit().imageSize());
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new StoreException(message);
    }
  }
}
