package io.vitstream.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.vitstream.checkpoint.ReferenceCheck.Comparison;
import io.vitstream.testing.HfTensors;
import io.vitstream.testing.Seeded;
import io.vitstream.testing.Tensors;
import io.vitstream.vit.HeadType;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.VitModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HF {@code ViTModel} folder (no classifier, with the tanh pooler) made from a seeded model:
 * loading it gives the PRE_LOGITS head, and {@code pooler_output} equals the model's pre-logits.
 */
class HfViTModelPoolerTest {
  private static final ViTConfig CONFIG =
      ViTConfig.builder()
          .imageSize(24)
          .patchSize(6)
          .channels(3)
          .width(48)
          .depth(2)
          .heads(3)
          .mlpSize(96)
          .layerNormEps(1e-12f)
          .headType(HeadType.PRE_LOGITS)
          .numClasses(0)
          .build();

  @Test
  void shouldLoadAnHfViTModelWhosePoolerOutputIsThePreLogits(@TempDir Path dir) throws Exception {
    try (VitModel original = VitModel.create(CONFIG, Device.cpu(), Precision.FP32);
        NDManager scratch = original.newBatchManager()) {
      // Given an HF ViTModel folder holding a seeded model's weights under HF's names
      Seeded.weights(original, 21);
      SafeTensors.write(dir.resolve("model.safetensors"), HfTensors.of(original), Map.of());
      Files.writeString(dir.resolve("config.json"), hfConfig(CONFIG));
      NDArray images = Seeded.normal(scratch, new Shape(3, 3, 24, 24), 22);
      Map<String, NDArray> kept = new HashMap<>();
      NDArray pooled = original.forward(images, (name, a) -> kept.put(name, a));
      SafeTensors.write(
          dir.resolve("expected.safetensors"),
          Map.of("input", images, "pooler_output", pooled, "last_hidden_state", kept.get("norm")),
          Map.of());

      // When it is loaded and run on the same images
      try (LoadedCheckpoint loaded = Checkpoints.load(dir, Device.cpu(), Precision.FP32)) {
        NDArray output = loaded.model().forward(images, (name, a) -> {});
        List<Comparison> check =
            ReferenceCheck.run(loaded.model(), dir.resolve("expected.safetensors"));

        // Then it is an HF ViT with the pre-logits head and no classes, and its output (the
        // pooler's) is the original's pre-logits
        assertThat(loaded.format()).isEqualTo("HF transformers");
        assertThat(loaded.model().config()).isEqualTo(CONFIG);
        assertThat(output.getShape()).isEqualTo(new Shape(3, 48));
        double diff = Tensors.maxAbsDiff(output, kept.get("pre_logits"));
        System.out.printf("HF ViTModel pooler_output vs pre_logits: max |diff| %.3e%n", diff);
        assertThat(diff).isLessThan(1e-6);
        assertThat(check)
            .extracting(Comparison::name)
            .containsExactlyInAnyOrder("pooler_output", "last_hidden_state");
        assertThat(check).allSatisfy(c -> assertThat(c.within(1e-6)).as(c.toString()).isTrue());
      }
    }
  }

  private static String hfConfig(ViTConfig c) {
    JsonObject json = new JsonObject();
    JsonArray architectures = new JsonArray();
    architectures.add("ViTModel");
    json.add("architectures", architectures);
    json.addProperty("model_type", "vit");
    json.addProperty("hidden_act", "gelu");
    json.addProperty("hidden_size", c.width());
    json.addProperty("image_size", c.imageSize());
    json.addProperty("intermediate_size", c.mlpSize());
    json.addProperty("layer_norm_eps", 1e-12);
    json.addProperty("num_attention_heads", c.heads());
    json.addProperty("num_channels", c.channels());
    json.addProperty("num_hidden_layers", c.depth());
    json.addProperty("patch_size", c.patchSize());
    json.addProperty("pooler_act", "tanh");
    json.addProperty("pooler_output_size", c.width());
    json.addProperty("qkv_bias", true);
    json.addProperty("hidden_dropout_prob", 0.0);
    json.addProperty("attention_probs_dropout_prob", 0.0);
    return json.toString();
  }
}
