package io.vitstream.cli;

import io.vitstream.store.ModelStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where the CLI keeps things: under the repository the launcher runs from. */
final class CliPaths {
  private CliPaths() {}

  /** The repository root ({@code -Dvitstream.home}, set by the launcher), else the working dir. */
  static Path home() {
    return Path.of(System.getProperty("vitstream.home", ".")).toAbsolutePath().normalize();
  }

  /** The default model store. */
  static Path defaultStore() {
    return home().resolve("model-store");
  }

  /** The default model store, opened. */
  static ModelStore openDefaultStore() {
    return ModelStore.open(defaultStore());
  }

  /** Deletes a training checkpoint folder (its two files), for a fresh run. */
  static void deleteCheckpoint(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete old checkpoint " + dir, e);
    }
  }
}
