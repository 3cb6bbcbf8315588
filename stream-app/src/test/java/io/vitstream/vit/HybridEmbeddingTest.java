package io.vitstream.vit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.vitstream.runtime.Djl;
import io.vitstream.testing.Seeded;
import io.vitstream.testing.Tensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hybrid's embedding: the ResNet backbone's pieces, token shapes, and resolution changes. */
class HybridEmbeddingTest {
  /** 32 px RGB, stem 32 and one stage of width 128: a 8x8 feature map, 64 tokens of width 32. */
  static final ViTConfig SMALL =
      ViTConfig.builder()
          .imageSize(32)
          .patchSize(1)
          .channels(3)
          .width(32)
          .depth(2)
          .heads(4)
          .numClasses(5)
          .hybrid(new HybridBackbone(32, List.of(1), List.of(128)))
          .build();

  private NDManager manager;

  @BeforeEach
  void setUp() {
    Djl.ensureConfigured();
    manager = NDManager.newBaseManager(Device.cpu());
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @Test
  void shouldTurnImagesIntoOneTokenPerFeatureMapCell() {
    // Given the small hybrid with seeded weights and two images
    try (VitModel model = VitModel.create(SMALL, Device.cpu(), Precision.FP32)) {
      Seeded.weights(model, 1);
      NDArray images = Seeded.normal(manager, new Shape(2, 3, 32, 32), 2);

      // When the features and the logits are computed
      ParameterStore ps = new ParameterStore(manager, false);
      NDArray tokens = model.block().forwardFeatures(ps, images, false, ActivationSink.NONE);
      NDArray logits = model.forward(images, ActivationSink.NONE);

      // Then the stride-4 feature map (8x8) makes 64 tokens plus [class], and nothing is NaN
      assertThat(SMALL.tokenStride()).isEqualTo(4);
      assertThat(SMALL.numTokens()).isEqualTo(65);
      assertThat(tokens.getShape()).isEqualTo(new Shape(2, 65, 32));
      assertThat(logits.getShape()).isEqualTo(new Shape(2, 5));
      assertThat(Tensors.allFinite(logits)).isTrue();
    }
  }

  @Test
  void shouldLeaveNoArrayInTheModelsManagerAfterAForward() {
    // Given the small hybrid and the number of arrays its manager holds
    try (VitModel model = VitModel.create(SMALL, Device.cpu(), Precision.FP32)) {
      BaseNDManager modelManager = (BaseNDManager) model.djlModel().getNDManager();
      int before = modelManager.getManagedArrays().size();

      // When it runs three forwards, each in a batch manager that is then closed
      for (int i = 0; i < 3; i++) {
        try (NDManager batch = model.newBatchManager()) {
          model.forward(batch.zeros(new Shape(2, 3, 32, 32)), ActivationSink.NONE);
        }
      }

      // Then nothing the backbone made (standardised kernels, norm scales) stayed behind
      assertThat(modelManager.getManagedArrays().size()).isEqualTo(before);
    }
  }

  @Test
  void shouldRunInHalfPrecisionCloseToFp32() {
    // Given the small hybrid in fp32 and in fp16 with the same weights
    try (VitModel fp32 = VitModel.create(SMALL, Device.cpu(), Precision.FP32);
        VitModel fp16 = VitModel.create(SMALL, Device.cpu(), Precision.FP16)) {
      Seeded.weights(fp32, 9);
      Map<String, NDArray> weights = new LinkedHashMap<>();
      fp32.parameters().forEach((name, p) -> weights.put(name, p.getArray()));
      fp16.setWeights(weights);
      NDArray images = Seeded.normal(manager, new Shape(2, 3, 32, 32), 10);

      // When both run the same images
      NDArray expected = fp32.forward(images, ActivationSink.NONE);
      NDArray half = fp16.forward(images, ActivationSink.NONE);

      // Then the half-precision logits are finite and close (weight standardisation's eps of 1e-8
      // is below fp16's range, which only matters for a constant kernel)
      assertThat(half.getDataType()).isEqualTo(DataType.FLOAT16);
      assertThat(Tensors.allFinite(half)).isTrue();
      assertThat(Tensors.maxAbsDiff(half, expected)).isLessThan(5e-2);
    }
  }

  @Test
  void shouldHalveTheFeatureMapInEveryStageAfterTheFirst() {
    // Given R50's backbone (stages 3, 4, 9) on a 64 px RGB image
    ResNetV2 backbone = new ResNetV2(3, HybridBackbone.resnet(3, 4, 9));
    Shape input = new Shape(1, 3, 64, 64);
    backbone.initialize(manager, DataType.FLOAT32, input);

    // When it runs
    NDArray out =
        backbone
            .forward(new ParameterStore(manager, false), new NDList(manager.ones(input)), false)
            .singletonOrThrow();

    // Then the map is 1/16 of the image, with 1024 channels, as its declared shape says
    assertThat(out.getShape()).isEqualTo(new Shape(1, 1024, 4, 4));
    assertThat(backbone.getOutputShapes(new Shape[] {input})[0]).isEqualTo(out.getShape());
  }

  @Test
  void shouldStandardiseTheKernelSoThatItsScaleAndOffsetDoNotMatter() {
    // Given a 3x3 stride-2 weight-standardised conv and an input
    StdConv2d conv = new StdConv2d(4, 8, 3, 2);
    Shape input = new Shape(2, 4, 9, 9);
    conv.initialize(manager, DataType.FLOAT32, input);
    Seeded.weights(conv, 3);
    NDArray x = Seeded.normal(manager, input, 4);
    ParameterStore ps = new ParameterStore(manager, false);
    NDArray before = conv.forward(ps, new NDList(x), false).singletonOrThrow();

    // When the kernel is scaled by 7 and shifted by 0.3
    NDArray w = conv.getParameters().get("weight").getArray();
    w.set(w.mul(7).add(0.3f).toFloatArray());
    NDArray after = conv.forward(ps, new NDList(x), false).singletonOrThrow();

    // Then the output is the same, with TF's SAME size ceil(9 / 2) = 5
    assertThat(before.getShape()).isEqualTo(new Shape(2, 8, 5, 5));
    assertThat(Tensors.maxAbsDiff(before, after)).isLessThan(1e-4);
  }

  @Test
  void shouldPadTheRightAndBottomMoreAndNeverLetMaxPoolPaddingWin() {
    // Given an all-negative 4x4 map
    NDArray x = manager.full(new Shape(1, 1, 4, 4), -1f);

    // When it is padded for a 3x3 stride-2 window (total 1: none on top and left)
    NDArray padded = StdConv2d.samePad(x, 3, 2, Double.NEGATIVE_INFINITY);

    // Then the extra row and column are at the bottom and right, and a max never picks them
    assertThat(padded.getShape()).isEqualTo(new Shape(1, 1, 5, 5));
    assertThat(padded.getFloat(0, 0, 0, 0)).isEqualTo(-1f);
    assertThat(padded.getFloat(0, 0, 4, 4)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(padded.max().getFloat()).isEqualTo(-1f);
  }

  @Test
  void shouldInterpolateThePositionEmbeddingsOnTheFeatureMapsGrid() {
    // Given the small hybrid at 32 px (8x8 grid) with seeded weights, and images at 48 px
    try (VitModel original = VitModel.create(SMALL, Device.cpu(), Precision.FP32)) {
      Seeded.weights(original, 5);
      NDArray images = Seeded.normal(manager, new Shape(2, 3, 48, 48), 6);

      // When it is resized to 48 px, and when it runs at 48 px as it is
      try (VitModel resized = original.resizedTo(48)) {
        NDArray onTheFly = original.forward(images, ActivationSink.NONE);
        NDArray native48 = resized.forward(images, ActivationSink.NONE);

        // Then the grid is the feature map's (48 / 4 = 12), the backbone is copied, and both agree
        assertThat(resized.config().gridSize()).isEqualTo(12);
        assertThat(resized.parameters().get("pos_embed").getShape())
            .isEqualTo(new Shape(1, 145, 32));
        String stem = "patch_embed.backbone.stem.conv.weight";
        assertThat(
                Tensors.maxAbsDiff(
                    resized.parameters().get(stem).getArray(),
                    original.parameters().get(stem).getArray()))
            .isZero();
        assertThat(Tensors.maxAbsDiff(native48, onTheFly)).isLessThan(1e-5);
      }
    }
  }

  @Test
  void shouldRefuseAdaptersAndImagesOffTheTokenGrid() {
    // Given / When / Then input adapters and sizes that are not a multiple of the stride are
    // refused
    assertThatThrownBy(() -> SMALL.withInputAdapters(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("input adapters replace the patch projection of a pure ViT; a hybrid has none");
    assertThatThrownBy(() -> SMALL.withImageSize(30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("image size 30 must be divisible by 4 (backbone stride 4 x patch size 1)");
    try (VitModel model = VitModel.create(SMALL, Device.cpu(), Precision.FP32)) {
      NDArray images = manager.zeros(new Shape(1, 3, 34, 32));
      assertThatThrownBy(() -> model.forward(images, ActivationSink.NONE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("image size 34x32 must be a multiple of the token stride 4");
    }
  }
}
