package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.store.ModelStore;
import io.vitstream.testing.TinyModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineageCommandTest {
  @Test
  void shouldPrintThePromotedVersionAndItsAncestors(@TempDir Path root) {
    // Given 1 <- 2 <- 3, with 3 promoted, and an unrelated 4
    ModelStore store = ModelStore.open(root);
    TinyModels.publish(store, "fm", 1, 0);
    TinyModels.publish(store, "fm", 2, 1);
    TinyModels.publish(store, "fm", 3, 2);
    TinyModels.publish(store, "fm", 4, 1);
    store.promote("fm", 3);

    // When the lineage is printed
    CliRun run = CliRun.of("model", "lineage", "fm", "--store", root.toString());

    // Then it walks from 3 to 1
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines().toList())
        .hasSize(3)
        .satisfiesExactly(
            l -> assertThat(l).startsWith("fm:3  parent 2"),
            l -> assertThat(l).startsWith("fm:2  parent 1"),
            l -> assertThat(l).startsWith("fm:1  parent -"));
  }
}
