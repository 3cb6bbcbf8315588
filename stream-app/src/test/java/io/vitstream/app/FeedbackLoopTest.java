package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.vitstream.image.Preprocessing;
import io.vitstream.inference.ServingModel;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.TestImages;
import io.vitstream.testing.TinyModels;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code vitstream run} gets from the factory before anything connects; the started loop is
 * covered by FeedbackLoopIT and FeedbackStateIT.
 */
class FeedbackLoopTest {
  private static final List<String> NOT_FASHION =
      IntStream.range(0, 10).mapToObj(i -> "class" + i).toList();

  private static AppConfig config(Map<String, String> keys) {
    return AppConfig.load(Optional.empty(), keys);
  }

  private static ServingModel model(List<String> labels) {
    return new ServingModel(
        "other",
        1,
        VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32),
        labels,
        Preprocessing.fashionMnist());
  }

  @Test
  void shouldBeARealLoopThatDoesNothingWhenFeedbackIsOff() {
    // Given the default config (feedback.enabled=false) and no store
    try (ServingModel m = model(NOT_FASHION);
        // When run asks for its loop
        FeedbackLoop loop = FeedbackLoop.forRun(AppConfig.defaults(), Optional.empty(), m)) {
      // Then it is off, and asking whether it failed is harmless
      assertThat(loop.running()).isFalse();
      loop.throwIfFailed();
    }
    assertThat(FeedbackLoop.disabled().running()).isFalse();
  }

  @Test
  void shouldRefuseWithoutTheModelStore() {
    var c = config(Map.of(FeedbackKeys.FEEDBACK_ENABLED.name(), "true"));
    try (ServingModel m = model(NOT_FASHION)) {
      assertThatThrownBy(() -> FeedbackLoop.forRun(c, Optional.empty(), m))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("feedback.enabled=true needs the model store (no model.checkpoint)");
    }
  }

  @Test
  void shouldRefuseAModelThatIsNotFashionMnistsWithoutARegressionSource(@TempDir Path root) {
    // Given feedback on and a served model with labels of its own
    var c = config(Map.of(FeedbackKeys.FEEDBACK_ENABLED.name(), "true"));
    try (ServingModel m = model(NOT_FASHION)) {
      // When run asks for its loop, Then it refuses in one line, naming the key
      assertThatThrownBy(() -> FeedbackLoop.forRun(c, Optional.of(ModelStore.open(root)), m))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("feedback.regression.source")
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void shouldRefuseRehearsalWhenTheSourceHasNoTrainingImages(@TempDir Path root) throws Exception {
    // Given a labelled folder as the regression set, and rehearsal left on (the default)
    Path folder = Files.createDirectories(root.resolve("regression/class3"));
    Files.write(folder.resolve("a.png"), TestImages.png(28, 28, 1));
    var c =
        config(
            Map.of(
                FeedbackKeys.FEEDBACK_ENABLED.name(),
                "true",
                FeedbackKeys.REGRESSION_SOURCE.name(),
                "folder:" + root.resolve("regression")));
    try (ServingModel m = model(NOT_FASHION)) {
      // When run asks for its loop, Then it refuses before connecting to anything
      assertThatThrownBy(
              () -> FeedbackLoop.forRun(c, Optional.of(ModelStore.open(root.resolve("s"))), m))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("finetune.rehearsal.examples=500 needs the model's training");
    }
  }
}
