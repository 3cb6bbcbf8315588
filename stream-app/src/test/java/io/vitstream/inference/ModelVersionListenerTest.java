package io.vitstream.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.avro.ModelStatus;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelVersionListenerTest {
  private static final String NAME = "fm";

  @TempDir Path root;
  private ModelStore store;
  private ModelSlot<ServingModel> slot;
  private ModelVersionListener listener;

  @BeforeEach
  void serveVersionOne() {
    store = ModelStore.open(root);
    TinyModels.publish(store, NAME, 1, 0);
    TinyModels.publish(store, NAME, 2, 1);
    store.promote(NAME, 1);
    slot = TinyModels.servePromoted(store, NAME);
    listener = new ModelVersionListener(store, slot, new BatchShapes(4), Map.of(), "unused");
  }

  @AfterEach
  void close() {
    slot.close();
  }

  @Test
  void shouldServeOnlyPromotionsAndRollbacksOfAnotherVersionOfItsModel() {
    assertThat(listener.versionToServe(TinyModels.event(NAME, 2, ModelStatus.PROMOTED)))
        .hasValue(2);
    assertThat(listener.versionToServe(TinyModels.event(NAME, 2, ModelStatus.ROLLED_BACK)))
        .hasValue(2);
    assertThat(listener.versionToServe(TinyModels.event(NAME, 2, ModelStatus.CANDIDATE))).isEmpty();
    assertThat(listener.versionToServe(TinyModels.event(NAME, 2, ModelStatus.REJECTED))).isEmpty();
    assertThat(listener.versionToServe(TinyModels.event(NAME, 1, ModelStatus.PROMOTED))).isEmpty();
    assertThat(listener.versionToServe(TinyModels.event("other", 2, ModelStatus.PROMOTED)))
        .isEmpty();
  }

  @Test
  void shouldSwapToAPromotedVersionLoadedFromTheStore() {
    // When version 2 is announced as promoted
    boolean swapped = listener.apply(TinyModels.event(NAME, 2, ModelStatus.PROMOTED));

    // Then it serves, with the manifest's labels, and the store records it as promoted
    assertThat(swapped).isTrue();
    assertThat(slot.peek().version()).isEqualTo(2);
    assertThat(slot.peek().labels()).hasSize(10);
    assertThat(store.promoted(NAME)).hasValue(2);

    // And a rollback to version 1 announced later is recorded too
    assertThat(listener.apply(TinyModels.event(NAME, 1, ModelStatus.ROLLED_BACK))).isTrue();
    assertThat(store.promoted(NAME)).hasValue(1);
  }

  @Test
  void shouldKeepServingWhenTheWeightsDoNotMatchTheirChecksum() throws IOException {
    // Given version 3 whose weights were altered after publishing
    int v3 = TinyModels.publish(store, NAME, 3, 1);
    Files.write(
        root.resolve(NAME).resolve(Integer.toString(v3)).resolve("model.safetensors"),
        new byte[] {1},
        StandardOpenOption.APPEND);

    // When it is announced, and then a version that does not exist
    boolean corrupt = listener.apply(TinyModels.event(NAME, v3, ModelStatus.PROMOTED));
    boolean missing = listener.apply(TinyModels.event(NAME, 9, ModelStatus.PROMOTED));

    // Then neither is served, and version 1 still classifies
    assertThat(corrupt).isFalse();
    assertThat(missing).isFalse();
    assertThat(slot.peek().version()).isEqualTo(1);
    try (var lease = slot.acquire()) {
      var result =
          new BatchClassifier(new BatchShapes(1), 1)
              .classify(lease.model(), java.util.List.of(new float[28 * 28]));
      assertThat(result.topK()).hasSize(1);
    }
  }

  @Test
  void shouldCatchUpWithAPromotionMadeBeforeItListened() {
    store.promote(NAME, 2);

    assertThat(listener.catchUp()).isTrue();
    assertThat(slot.peek().version()).isEqualTo(2);
    assertThat(listener.catchUp()).isFalse();
  }
}
