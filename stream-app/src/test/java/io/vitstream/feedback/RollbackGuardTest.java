package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.TinyModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollbackGuardTest {
  private static final String NAME = "fm";

  @TempDir Path root;
  private ModelStore store;
  private final List<ModelVersion> events = new ArrayList<>();
  private RollbackGuard guard;

  /** Version 1 was promoted, then version 2. */
  @BeforeEach
  void promoteTwoVersions() {
    store = ModelStore.open(root);
    TinyModels.publish(store, NAME, 1, 0);
    TinyModels.publish(store, NAME, 2, 1);
    store.promote(NAME, 1);
    store.promote(NAME, 2);
    guard = new RollbackGuard(store, NAME, new RollbackPolicy(0.1, 10), 50, events::add);
  }

  private void record(int version, int hits, int misses) {
    for (int i = 0; i < hits; i++) {
      guard.record(version, true);
    }
    for (int i = 0; i < misses; i++) {
      guard.record(version, false);
    }
  }

  @Test
  void shouldRollBackWhenTheNewVersionIsLiveWorseThanItsPredecessor() {
    // Given version 1 right 9 times in 10
    record(1, 9, 1);

    // When version 2 is right only 5 times in 10
    record(2, 5, 5);

    // Then version 1 is promoted again, once, with a ROLLED_BACK event naming it
    assertThat(store.promoted(NAME)).hasValue(1);
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getStatus()).isEqualTo(ModelStatus.ROLLED_BACK);
              assertThat(e.getVersion()).isEqualTo(1);
              assertThat(e.getReason()).contains("v2", "v1");
            });
    record(2, 0, 10);
    assertThat(events).hasSize(1);
  }

  @Test
  void shouldKeepAVersionThatIsWithinTheToleratedDrop() {
    record(1, 9, 1);
    record(2, 17, 3);

    assertThat(store.promoted(NAME)).hasValue(2);
    assertThat(events).isEmpty();
  }
}
