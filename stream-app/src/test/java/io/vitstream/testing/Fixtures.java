package io.vitstream.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference fixtures in {@code <repo>/../shared/fixtures/reference-vit}. The repo root comes
 * from the {@code vitstream.repo.dir} system property, which the build sets; CI copies {@code
 * shared/} beside a fresh clone.
 */
public final class Fixtures {
  private Fixtures() {}

  /** One fixture folder, such as {@code hf_vit_cls}; fails with the path it looked in. */
  public static Path referenceVit(String name) {
    String repo = System.getProperty("vitstream.repo.dir");
    if (repo == null) {
      throw new IllegalStateException(
          "system property vitstream.repo.dir (the repo root) is not set; run the tests with Maven");
    }
    Path dir =
        Path.of(repo)
            .toAbsolutePath()
            .normalize()
            .resolveSibling("shared")
            .resolve("fixtures/reference-vit")
            .resolve(name);
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "reference fixture not found: "
              + dir
              + " (expected shared/ beside the repo root "
              + repo
              + ")");
    }
    return dir;
  }

  /** The fixture's reference activations. */
  public static Path expected(String name) {
    return referenceVit(name).resolve("expected.safetensors");
  }
}
