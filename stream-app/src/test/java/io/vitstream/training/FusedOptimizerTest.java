package io.vitstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import io.vitstream.runtime.Djl;
import io.vitstream.testing.TinyModels;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fused update computes what the previous step did: a per-parameter global-norm clip, the
 * decoupled decay pass, then DJL's own optimizer through {@code Trainer.step()}.
 */
class FusedOptimizerTest {
  private static final int STEPS = 4;
  private static final float WEIGHT_DECAY = 0.05f;
  private static final float CLIP = 0.5f;

  private static WarmupCosineSchedule schedule(float peak) {
    return new WarmupCosineSchedule(peak, 1e-4f, 1, 10, 0);
  }

  /** Seeded batches: a loss of the logits squared, large enough that the clip applies. */
  private static List<float[]> batches() {
    List<float[]> out = new ArrayList<>();
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < STEPS; i++) {
      float[] x = new float[8 * 28 * 28];
      for (int j = 0; j < x.length; j++) {
        x[j] = (float) random.nextGaussian();
      }
      out.add(x);
    }
    return out;
  }

  private static NDArray backward(Trainer trainer, NDManager scope, float[] pixels) {
    NDArray x = scope.create(pixels, new Shape(8, 1, 28, 28));
    try (GradientCollector gc = trainer.newGradientCollector()) {
      NDArray loss = trainer.forward(new NDList(x)).singletonOrThrow().square().sum();
      gc.backward(loss);
      return loss;
    }
  }

  /** The update before this change, step by step, as DJL and the two passes did it. */
  private static Map<String, float[]> reference(OptimizerKind kind, float lr) {
    WarmupCosineSchedule schedule = schedule(lr);
    Optimizer optimizer =
        kind == OptimizerKind.ADAMW
            ? Optimizer.adamW().optLearningRateTracker(schedule).optWeightDecays(0).build()
            : Optimizer.sgd()
                .setLearningRateTracker(schedule)
                .optMomentum(0.9f)
                .optWeightDecays(0)
                .build();
    try (VitModel model = seededModel();
        Trainer trainer =
            model
                .djlModel()
                .newTrainer(
                    new DefaultTrainingConfig(new SmoothedCrossEntropy())
                        .optOptimizer(optimizer))) {
      Djl.disableGradOnThisThread();
      DecoupledWeightDecay decay = new DecoupledWeightDecay(model.parameters(), WEIGHT_DECAY);
      long step = 0;
      for (float[] batch : batches()) {
        step++;
        try (NDManager scope = trainer.getManager().newSubManager()) {
          backward(trainer, scope, batch);
          clipEachParameter(model.parameters().values(), scope);
          decay.apply(schedule.at(step));
          trainer.step();
        }
      }
      return snapshot(model);
    }
  }

  /** The clip as it was: a norm per parameter, summed on the host, then a scale per parameter. */
  private static void clipEachParameter(Iterable<Parameter> parameters, NDManager scope) {
    List<NDArray> grads = new ArrayList<>();
    double sq = 0;
    for (Parameter p : parameters) {
      NDArray g = p.getArray().getGradient();
      g.attach(scope);
      grads.add(g);
      sq += g.square().sum().getFloat();
    }
    float norm = (float) Math.sqrt(sq);
    if (norm > CLIP) {
      for (NDArray g : grads) {
        g.muli(CLIP / (norm + 1e-6f));
      }
    }
  }

  private static Map<String, float[]> fused(OptimizerKind kind, float lr) {
    WarmupCosineSchedule schedule = schedule(lr);
    try (VitModel model = seededModel();
        Trainer trainer =
            model.djlModel().newTrainer(new DefaultTrainingConfig(new SmoothedCrossEntropy()));
        FusedOptimizer optimizer =
            new FusedOptimizer(
                model.parameters(), kind, WEIGHT_DECAY, schedule, trainer.getManager())) {
      Djl.disableGradOnThisThread();
      GradientClipper clipper = new GradientClipper(CLIP);
      long step = 0;
      for (float[] batch : batches()) {
        step++;
        try (NDManager scope = trainer.getManager().newSubManager()) {
          backward(trainer, scope, batch);
          float norm = optimizer.gradientNorm(scope).getFloat();
          assertThat(norm).isGreaterThan(CLIP); // the clip is exercised
          optimizer.step(step, clipper.scale(norm));
        }
      }
      return snapshot(model);
    }
  }

  /** The same model every call; timm's zero head would give zero gradients, so it gets noise. */
  private static VitModel seededModel() {
    Djl.setSeed(5);
    VitModel model = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32);
    NDArray head = model.parameters().get("head.weight").getArray();
    try (NDArray noise =
        head.getManager().randomNormal(0, 0.5f, head.getShape(), head.getDataType())) {
      head.addi(noise);
    }
    return model;
  }

  private static Map<String, float[]> snapshot(VitModel model) {
    Map<String, float[]> out = new HashMap<>();
    model.parameters().forEach((name, p) -> out.put(name, p.getArray().toFloatArray()));
    return out;
  }

  @ParameterizedTest
  @EnumSource(OptimizerKind.class)
  void shouldUpdateTheWeightsAsTheClipDecayAndDjlStepDid(OptimizerKind kind) {
    // Given the same seeded model and batches, and a learning rate that moves the weights
    float lr = kind == OptimizerKind.ADAMW ? 1e-2f : 5e-2f;

    // When four steps run through the previous path and through the fused update
    Map<String, float[]> before = reference(kind, lr);
    Map<String, float[]> after = fused(kind, lr);

    // Then every parameter agrees to float rounding, and the steps did move them
    Map<String, float[]> initial;
    try (VitModel model = seededModel()) {
      initial = snapshot(model);
    }
    assertThat(after.keySet()).isEqualTo(before.keySet());
    double moved = 0;
    for (String name : before.keySet()) {
      float[] a = before.get(name);
      float[] b = after.get(name);
      for (int i = 0; i < a.length; i++) {
        assertThat((double) b[i]).as(name + "[" + i + "]").isCloseTo(a[i], within(2e-5));
        moved = Math.max(moved, Math.abs(a[i] - initial.get(name)[i]));
      }
    }
    assertThat(moved).isGreaterThan(1e-3);
  }

  @Test
  void shouldMeasureTheGlobalNormOfTrainableParametersOnly() {
    try (VitModel model = seededModel();
        Trainer trainer =
            model.djlModel().newTrainer(new DefaultTrainingConfig(new SmoothedCrossEntropy()))) {
      // Given a model whose every parameter but the head's is frozen, after a backward pass
      model.parameters().forEach((name, p) -> p.freeze(!name.startsWith("head.")));
      try (FusedOptimizer optimizer =
              new FusedOptimizer(
                  model.parameters(),
                  OptimizerKind.ADAMW,
                  WEIGHT_DECAY,
                  schedule(1e-3f),
                  trainer.getManager());
          NDManager scope = trainer.getManager().newSubManager()) {
        backward(trainer, scope, batches().get(0));

        // When the global norm is measured
        float norm = optimizer.gradientNorm(scope).getFloat();

        // Then it is the norm of the head's gradients alone
        double sq = 0;
        for (String name : List.of("head.weight", "head.bias")) {
          NDArray g = model.parameters().get(name).getArray().getGradient();
          g.attach(scope);
          sq += g.square().sum().getFloat();
        }
        assertThat((double) norm).isCloseTo(Math.sqrt(sq), within(Math.sqrt(sq) * 1e-5));
        assertThat(norm).isPositive();
      }
    }
  }
}
