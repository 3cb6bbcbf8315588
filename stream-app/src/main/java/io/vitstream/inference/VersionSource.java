package io.vitstream.inference;

/**
 * Makes a version of a model present in the local model store before it is loaded: from Kafka (see
 * {@code ArtifactCache}), or nowhere when the store is the only source.
 */
@FunctionalInterface
public interface VersionSource {
  /**
   * Returns once {@code name:version} is complete in the local store.
   *
   * @throws RuntimeException with a one-line reason when it cannot be made present; nothing of it
   *     is then in the store
   */
  void fetch(String name, int version);

  /** The local store alone: a version is there or not. */
  static VersionSource localOnly() {
    return (name, version) -> {};
  }
}
