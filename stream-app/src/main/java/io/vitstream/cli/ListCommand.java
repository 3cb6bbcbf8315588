package io.vitstream.cli;

import io.vitstream.store.ModelManifest;
import io.vitstream.store.ModelStore;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code vitstream model list}: every model version in the store, the promoted one marked. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List the models and versions in the model store.")
final class ListCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin StoreOption store;

  @Override
  public Integer call() {
    ModelStore s = store.open();
    PrintWriter out = spec.commandLine().getOut();
    if (s.names().isEmpty()) {
      out.println("no models in " + s.root());
    }
    for (String name : s.names()) {
      OptionalInt promoted = s.promoted(name);
      for (int v : s.versions(name)) {
        ModelManifest m = s.manifest(name, v);
        out.printf(
            Locale.ROOT,
            "%s:%d%s  accuracy %.4f  parent %s  created %s%n",
            name,
            v,
            promoted.isPresent() && promoted.getAsInt() == v ? " (promoted)" : "",
            m.metrics().testAccuracy(),
            m.parentVersion() == 0 ? "-" : Integer.toString(m.parentVersion()),
            m.createdAt());
      }
    }
    out.flush();
    return 0;
  }
}
