package io.vitstream.adapt;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.image.Preprocessing;
import io.vitstream.testing.Seeded;
import io.vitstream.testing.TinyModels;
import io.vitstream.training.Cancellation;
import io.vitstream.vit.InputRouting;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterCalibrationTest {
  private static final Preprocessing PRE = Preprocessing.fashionMnist();

  @Test
  void shouldRaiseTheBaseExpertPastTheRoutersMarginWhenTheAdapterLosesOriginals() {
    // Given a router that sends every image to an inverting adapter by a margin of 2.1, and 300
    // originals labelled with the base expert's own answers (so each is one it gets right)
    try (VitModel base = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32)) {
      Seeded.weights(base, 3);
      LabeledImages originals = labelledByBase(base, InputSymmetryTest.randomImages(300, 28, 8));
      InputSymmetry invert = new InputSymmetry(InputSymmetry.Turn.IDENTITY, true);
      try (VitModel inverting = routedToAdapter(base, invert, 2.1f);
          VitModel same = routedToAdapter(base, InputSymmetry.IDENTITY, 2.1f)) {

        // When the raise is calibrated
        RouterTrainer.Bias lossy =
            RouterCalibration.bias(inverting, originals, PRE, new Cancellation());
        RouterTrainer.Bias harmless =
            RouterCalibration.bias(same, originals, PRE, new Cancellation());

        // Then the inverting adapter costs originals, so the base is raised past the margin (300
        // images bound nothing: none may be lost); an adapter that is the base itself costs none
        assertThat(RouterTrainer.allowedLosses(300, RouterCalibration.MAX_LOSS_BOUND)).isZero();
        assertThat(lossy.value()).isEqualTo(2.25f);
        assertThat(lossy.lost()).isZero();
        assertThat(lossy.originals()).isEqualTo(300);
        assertThat(harmless.value()).isZero();
        assertThat(harmless.lost()).isZero();
      }
    }
  }

  @Test
  void shouldAllowThirtySixLossesInTenThousandOriginals() {
    // Wilson's upper 95% bound: 36 of 10,000 is 0.496 %, 37 is 0.508 %; the limit is 0.5 %
    assertThat(
            RouterTrainer.allowedLosses(RouterCalibration.IMAGES, RouterCalibration.MAX_LOSS_BOUND))
        .isEqualTo(36);
  }

  private static LabeledImages labelledByBase(VitModel base, LabeledImages images) {
    float[] p = new Evaluator(64).probabilities(base, images, PRE);
    int classes = p.length / images.count();
    byte[] labels = new byte[images.count()];
    for (int i = 0; i < images.count(); i++) {
      int best = 0;
      for (int k = 1; k < classes; k++) {
        best = p[i * classes + k] > p[i * classes + best] ? k : best;
      }
      labels[i] = (byte) best;
    }
    return new LabeledImages(images.count(), images.rows(), images.cols(), images.pixels(), labels);
  }

  /** The base with one adapter (the base embedding under {@code s}) its router always prefers. */
  private static VitModel routedToAdapter(VitModel base, InputSymmetry s, float margin) {
    VitModel m =
        VitModel.create(TinyModels.TINY.withInputAdapters(1), Device.cpu(), Precision.FP32);
    try (NDManager tmp = m.newBatchManager()) {
      Map<String, NDArray> weights = new HashMap<>(AdapterTrainer.basePath(base));
      weights.putAll(
          s.transform(PatchEmbeddingWeights.read(base.parameters(), ""), PRE)
              .arrays("adapters.1.", tmp));
      for (String name : InputRouting.ROUTER_NAMES) {
        weights.put(name, tmp.zeros(m.parameters().get(name).getArray().getShape()));
      }
      weights.put("router.fc2.bias", tmp.create(new float[] {0, margin}));
      weights.put(
          "router.feature_std",
          tmp.ones(m.parameters().get("router.feature_std").getArray().getShape()));
      weights.put(
          "router.feature_mean",
          tmp.zeros(m.parameters().get("router.feature_mean").getArray().getShape()));
      m.setWeights(weights);
    }
    return m;
  }
}
