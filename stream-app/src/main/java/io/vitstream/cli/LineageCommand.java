package io.vitstream.cli;

import io.vitstream.store.ModelManifest;
import io.vitstream.store.ModelNames;
import io.vitstream.store.ModelStore;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vitstream model lineage NAME}: a version and its ancestors, newest first. */
@Command(
    name = "lineage",
    mixinStandardHelpOptions = true,
    description = "Print a version's chain of parents, with what trained each and how it scored.")
final class LineageCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin StoreOption store;

  @Parameters(paramLabel = "NAME", description = "the model")
  String name;

  @Option(names = "--version", description = "start from this version (default: the promoted)")
  Integer version;

  @Override
  public Integer call() {
    ModelStore s = store.open();
    String n = ModelNames.check(name);
    int v = s.resolve(n, version == null ? OptionalInt.empty() : OptionalInt.of(version));
    PrintWriter out = spec.commandLine().getOut();
    while (v > 0) {
      ModelManifest m = s.manifest(n, v);
      out.println(
          String.format(
              Locale.ROOT,
              "%s:%d  parent %s  test accuracy %.4f  %s  trained on %s",
              n,
              v,
              m.parentVersion() == 0 ? "-" : Integer.toString(m.parentVersion()),
              m.metrics().testAccuracy(),
              m.createdAt(),
              m.provenance().feedback().equals("none")
                  ? m.provenance().dataset()
                  : m.provenance().feedback()));
      int adapters = m.vit().inputAdapters();
      if (adapters > 0) {
        out.printf(
            Locale.ROOT,
            "  embeds each image with one of %d experts, chosen per image by its router: the base"
                + " patch embedding or one of %d input adapter(s); one encoder and head%n",
            adapters + 1,
            adapters);
      }
      v = m.parentVersion();
    }
    out.flush();
    return 0;
  }
}
