package io.vitstream.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The update of a {@link VitTrainer} step: global-norm clipping, decoupled weight decay on the
 * matrices and the AdamW (or SGD with momentum) update, in one native call per parameter.
 *
 * <p>It computes what DJL's {@code Trainer.step()} with AdamW (weight decay 0) computed after a
 * {@link GradientClipper} and a {@link DecoupledWeightDecay} pass, without their extra passes: the
 * clip factor goes in as the native update's gradient rescale, and the decay as its per-parameter
 * AdamW decay ({@code w -= lr * wd * w}, before the Adam step, as before). DJL's parameter server
 * also copied each gradient before the update; this does not. The native update zeroes the
 * gradient. SGD's native decay is coupled (it goes through the momentum), so for SGD the decay
 * stays a separate pass. The moments start at zero in each process, with the bias correction of a
 * fresh Adam, as DJL's did.
 */
final class FusedOptimizer implements EpochLoop.Update, AutoCloseable {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;
  private static final float MOMENTUM = 0.9f;
  private static final float NO_CLAMP = -1;

  /** A trainable weight, its decay and its optimizer state (moments, or momentum and none). */
  private record Slot(NDArray weight, float weightDecay, NDArray first, NDArray second) {}

  private final OptimizerKind kind;
  private final WarmupCosineSchedule schedule;
  private final NDManager state;
  private final List<Slot> slots = new ArrayList<>();
  private final DecoupledWeightDecay sgdDecay;
  private long updates;

  /**
   * @param parameters the model's parameters under timm's names; frozen ones are left alone
   * @param manager the optimizer state lives in a sub-manager of it until {@link #close()}
   */
  FusedOptimizer(
      Map<String, Parameter> parameters,
      OptimizerKind kind,
      float weightDecay,
      WarmupCosineSchedule schedule,
      NDManager manager) {
    this.kind = kind;
    this.schedule = schedule;
    this.state = manager.newSubManager();
    this.sgdDecay =
        new DecoupledWeightDecay(parameters, kind == OptimizerKind.SGD ? weightDecay : 0);
    parameters.forEach(
        (name, p) -> {
          if (!p.requiresGradient()) {
            return;
          }
          NDArray w = p.getArray();
          float decay =
              kind == OptimizerKind.ADAMW && DecoupledWeightDecay.decays(name, w) ? weightDecay : 0;
          NDArray first = state.zeros(w.getShape(), w.getDataType(), w.getDevice());
          NDArray second =
              kind == OptimizerKind.ADAMW
                  ? state.zeros(w.getShape(), w.getDataType(), w.getDevice())
                  : null;
          slots.add(new Slot(w, decay, first, second));
        });
  }

  /**
   * The global L2 norm of the gradients, as a scalar array in {@code scope}, not read back: one
   * norm per parameter, then the norm of their stack.
   */
  @Override
  public NDArray gradientNorm(NDManager scope) {
    NDList norms = new NDList(slots.size());
    for (Slot s : slots) {
      NDArray g = s.weight().getGradient();
      g.attach(scope); // getGradient() makes a new handle in the model's manager
      norms.add(g.norm());
    }
    return NDArrays.stack(norms).norm();
  }

  /**
   * Updates every trainable weight for the 1-based global step {@code step}, with the gradients
   * scaled by {@code gradientScale} (the clip factor, 1 when not clipping), and zeroes the
   * gradients.
   */
  @Override
  public void step(long step, float gradientScale) {
    updates++;
    float lr = schedule.at(step);
    if (kind == OptimizerKind.SGD) {
      sgdDecay.apply(lr);
    }
    float biasCorrected =
        (float) (lr * Math.sqrt(1 - Math.pow(BETA2, updates)) / (1 - Math.pow(BETA1, updates)));
    for (Slot s : slots) {
      try (NDArray grad = s.weight().getGradient()) {
        NDList weights = new NDList(s.weight());
        if (kind == OptimizerKind.ADAMW) {
          s.weight()
              .getNDArrayInternal()
              .adamUpdate(
                  new NDList(s.weight(), grad, s.first(), s.second()),
                  weights,
                  lr,
                  biasCorrected,
                  s.weightDecay(),
                  gradientScale,
                  NO_CLAMP,
                  BETA1,
                  BETA2,
                  EPSILON,
                  true,
                  true);
        } else {
          s.weight()
              .getNDArrayInternal()
              .sgdUpdate(
                  new NDList(s.weight(), grad, s.first()),
                  weights,
                  lr,
                  0,
                  gradientScale,
                  NO_CLAMP,
                  MOMENTUM,
                  true);
        }
      }
    }
  }

  @Override
  public void close() {
    state.close();
  }
}
