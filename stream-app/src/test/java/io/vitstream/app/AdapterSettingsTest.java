package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.training.Cancellation;
import io.vitstream.vit.HybridBackbone;
import io.vitstream.vit.ViTConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdapterSettingsTest {
  private static final AdapterSettings ADAPTERS = new AdapterSettings(true, 4, 10, 0.01f, 0, true);

  private static ViTConfig.Builder fashionMnist() {
    return ViTConfig.builder().imageSize(28).channels(1).width(64).depth(2).heads(4).numClasses(10);
  }

  @Test
  void shouldKeepInputAdaptersForAPureViT() {
    AdapterSettings s = ADAPTERS.forModel(fashionMnist().patchSize(4).build());

    assertThat(s).isSameAs(ADAPTERS);
    assertThat(recipe(s)).isPresent();
  }

  @Test
  void shouldFineTuneEveryWeightOfAHybridWhichHasNoPatchProjectionToAdapt() {
    ViTConfig hybrid =
        fashionMnist()
            .patchSize(1)
            .hybrid(new HybridBackbone(32, List.of(1), List.of(128)))
            .build();

    AdapterSettings s = ADAPTERS.forModel(hybrid);

    assertThat(s.adapters()).isFalse();
    assertThat(s.maxAdapters()).isEqualTo(ADAPTERS.maxAdapters());
    assertThat(recipe(s)).as("the full fine-tune recipe is used instead").isEmpty();
  }

  @Test
  void shouldLeaveFullFineTuningAsItIs() {
    AdapterSettings full = new AdapterSettings(false, 4, 10, 0.01f, 0, true);

    assertThat(full.forModel(fashionMnist().patchSize(4).build())).isSameAs(full);
  }

  private static Optional<?> recipe(AdapterSettings s) {
    return s.recipe(64, Duration.ofSeconds(10), 1, Optional.empty(), 28, 1, new Cancellation());
  }
}
