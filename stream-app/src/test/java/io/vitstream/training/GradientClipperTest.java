package io.vitstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.vitstream.runtime.Djl;
import io.vitstream.testing.TinyModels;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.VitModel;
import java.util.Collection;
import org.junit.jupiter.api.Test;

class GradientClipperTest {

  private static double globalNorm(Collection<Parameter> params) {
    double sq = 0;
    for (Parameter p : params) {
      try (NDArray g = p.getArray().getGradient()) {
        sq += g.square().sum().getFloat();
      }
    }
    return Math.sqrt(sq);
  }

  @Test
  void shouldScaleAllGradientsToTheGlobalNorm() {
    ViTConfig config = TinyModels.TINY;
    Djl.setSeed(5);
    try (VitModel model = VitModel.create(config, Device.cpu(), Precision.FP32);
        NDManager batch = model.newBatchManager()) {
      model.parameters().get("head.weight").getArray().addi(0.1f);
      Collection<Parameter> params = model.parameters().values();
      NDArray x = batch.randomNormal(new Shape(8, 1, 28, 28));
      try (GradientCollector gc =
          model.djlModel().getNDManager().getEngine().newGradientCollector()) {
        ParameterStore ps = new ParameterStore(batch, false);
        NDArray logits = model.block().forward(ps, new NDList(x), true).singletonOrThrow();
        gc.backward(logits.sum().mul(100)); // a large loss: a norm well above 0.5
      }
      double before = globalNorm(params);
      float headBefore;
      try (NDArray g = model.parameters().get("head.bias").getArray().getGradient()) {
        headBefore = g.getFloat(0);
      }

      float reported = new GradientClipper(0.5f).clip(params);

      assertThat((double) reported).isCloseTo(before, within(before * 1e-4));
      assertThat(before).isGreaterThan(0.5);
      assertThat(globalNorm(params)).isCloseTo(0.5, within(1e-4));
      try (NDArray g = model.parameters().get("head.bias").getArray().getGradient()) {
        // Every gradient is scaled by the same factor: the direction is kept.
        assertThat((double) g.getFloat(0)).isCloseTo(headBefore * 0.5 / before, within(1e-5));
      }
    }
  }

  @Test
  void shouldSkipFrozenParametersWhichHaveNoGradient() {
    Djl.setSeed(5);
    try (VitModel model = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32);
        NDManager batch = model.newBatchManager()) {
      // Given a model whose every parameter but the head's is frozen
      model.parameters().forEach((name, p) -> p.freeze(!name.startsWith("head.")));
      Collection<Parameter> head =
          model.parameters().values().stream().filter(Parameter::requiresGradient).toList();
      NDArray x = batch.randomNormal(new Shape(8, 1, 28, 28));
      try (GradientCollector gc =
          model.djlModel().getNDManager().getEngine().newGradientCollector()) {
        ParameterStore ps = new ParameterStore(batch, false);
        NDArray logits = model.block().forward(ps, new NDList(x), true).singletonOrThrow();
        gc.backward(logits.sum().mul(100));
      }
      double before = globalNorm(head);

      // When all parameters are clipped
      float reported = new GradientClipper(0.5f).clip(model.parameters().values());

      // Then only the head's gradients count, and they are clipped
      assertThat(head).hasSize(2);
      assertThat((double) reported).isCloseTo(before, within(before * 1e-4));
      assertThat(globalNorm(head)).isCloseTo(0.5, within(1e-4));
    }
  }
}
