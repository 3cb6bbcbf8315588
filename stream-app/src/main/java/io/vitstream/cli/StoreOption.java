package io.vitstream.cli;

import io.vitstream.store.ModelStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --store DIR} option shared by the commands that read the model store. */
final class StoreOption {
  @Option(names = "--store", description = "model store folder (<repo>/model-store)")
  Path store;

  ModelStore open() {
    return ModelStore.open(store != null ? store : CliPaths.defaultStore());
  }
}
