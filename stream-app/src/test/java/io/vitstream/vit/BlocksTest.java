package io.vitstream.vit;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.vitstream.runtime.Djl;
import io.vitstream.testing.Seeded;
import io.vitstream.testing.Tensors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each block with fixed (seeded) weights: the shape contract, no NaN, and one property that a wrong
 * reshape or a wrong residual would break. B=2, image 16x12 at P=4 (h=4, w=3, N=12), D=32, H=4.
 */
class BlocksTest {
  private static final ViTConfig CONFIG =
      ViTConfig.builder()
          .imageSize(16)
          .patchSize(4)
          .channels(3)
          .width(32)
          .depth(2)
          .heads(4)
          .mlpSize(48)
          .numClasses(5)
          .build();
  private static final Shape TOKENS = new Shape(2, 12, 32);

  private NDManager manager;
  private ParameterStore ps;

  @BeforeEach
  void setUp() {
    Djl.ensureConfigured();
    Djl.disableGradOnThisThread();
    manager = NDManager.newBaseManager(Device.cpu());
    ps = new ParameterStore(manager, false);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private <T extends Block> T initialised(T block, Shape input, long seed) {
    block.initialize(manager, DataType.FLOAT32, input);
    Seeded.weights(block, seed);
    return block;
  }

  private NDArray run(Block block, NDArray x) {
    return block.forward(ps, new NDList(x), false).singletonOrThrow();
  }

  @Test
  void shouldEmbedEachPatchIntoTheTokenOfItsGridPosition() {
    // Given a patch embedding and images that are zero except the patch at row 1, column 2
    Shape images = new Shape(2, 3, 16, 12);
    PatchEmbedding embed = initialised(new PatchEmbedding(CONFIG), images, 1);
    NDArray x = manager.zeros(images);
    x.set(new NDIndex(":, :, 4:8, 8:12"), 1f);

    // When the patches are embedded
    NDArray tokens = run(embed, x);

    // Then there are (B, N, D) finite tokens, and only token 1 * w + 2 = 5 differs from the bias
    assertThat(tokens.getShape()).isEqualTo(new Shape(2, 12, 32));
    assertThat(Tensors.allFinite(tokens)).isTrue();
    NDArray fromBias = tokens.sub(tokens.get(":, 0:1, :")).abs().sum(new int[] {0, 2});
    float[] perToken = fromBias.toFloatArray();
    for (int n = 0; n < perToken.length; n++) {
      assertThat(perToken[n] > 1e-3f).as("token %d differs from the bias", n).isEqualTo(n == 5);
    }
  }

  @Test
  void shouldAttendWithoutDependingOnTokenOrderOrOnOtherImages() {
    // Given attention and (B, N, D) tokens
    Attention attention = initialised(new Attention(CONFIG), TOKENS, 2);
    NDArray x = Seeded.normal(manager, TOKENS, 3);

    // When it runs on the tokens, on the tokens reversed, and on the first image alone
    NDArray out = run(attention, x);
    NDArray reversed = run(attention, x.flip(1));
    NDArray alone = run(attention, x.get("0:1"));

    // Then the shape holds, and the output follows the tokens and ignores the other image
    assertThat(out.getShape()).isEqualTo(TOKENS);
    assertThat(Tensors.allFinite(out)).isTrue();
    assertThat(Tensors.maxAbsDiff(reversed, out.flip(1))).isLessThan(1e-5);
    assertThat(Tensors.maxAbsDiff(alone, out.get("0:1"))).isLessThan(1e-5);
    assertThat(Tensors.maxAbsDiff(out.get("0"), out.get("1"))).isGreaterThan(1e-3);
  }

  @Test
  void shouldApplyTheMlpToEachTokenOnItsOwn() {
    // Given the MLP and (B, N, D) tokens
    Mlp mlp = initialised(new Mlp(CONFIG), TOKENS, 4);
    NDArray x = Seeded.normal(manager, TOKENS, 5);

    // When it runs on all tokens and on token (1, 7) alone
    NDArray out = run(mlp, x);
    NDArray one = run(mlp, x.get("1:2, 7:8, :"));

    // Then the shape holds and token (1, 7) does not depend on the others
    assertThat(out.getShape()).isEqualTo(TOKENS);
    assertThat(Tensors.allFinite(out)).isTrue();
    assertThat(Tensors.maxAbsDiff(one, out.get("1:2, 7:8, :"))).isLessThan(1e-5);
  }

  @Test
  void shouldAddBothSubLayersToTheResidualStream() {
    // Given an encoder block with seeded weights
    EncoderBlock block = initialised(new EncoderBlock(CONFIG), TOKENS, 6);
    NDArray x = Seeded.normal(manager, TOKENS, 7);

    // When it runs, then again with the attention and MLP weights zeroed
    NDArray out = run(block, x);
    for (Parameter p : block.getParameters().values()) {
      if (p.getName().equals("weight") || p.getName().equals("bias")) {
        p.getArray().set(new float[Math.toIntExact(p.getShape().size())]);
      }
    }
    NDArray zeroed = run(block, x);

    // Then it changes the tokens, keeps the shape, and is the identity when the sub-layers add 0
    // (pre-norm residuals: a post-norm block would return LN(x) here)
    assertThat(out.getShape()).isEqualTo(TOKENS);
    assertThat(Tensors.allFinite(out)).isTrue();
    assertThat(Tensors.maxAbsDiff(out, x)).isGreaterThan(1e-2);
    assertThat(Tensors.maxAbsDiff(zeroed, x)).isZero();
  }

  @Test
  void shouldComputeTheLinearHeadAsClsTimesWeightPlusBias() {
    // Given a linear head on (B, D) class tokens
    ClassifierHead head = initialised(new ClassifierHead(CONFIG), new Shape(2, 32), 8);
    NDArray cls = Seeded.normal(manager, new Shape(2, 32), 9);

    // When it runs
    NDArray logits = run(head, cls);

    // Then it gives (B, K) = cls W^T + b
    Linear weights = new Linear(head);
    assertThat(logits.getShape()).isEqualTo(new Shape(2, 5));
    assertThat(Tensors.allFinite(logits)).isTrue();
    NDArray expected = cls.matMul(weights.weight.transpose()).add(weights.bias);
    assertThat(Tensors.maxAbsDiff(logits, expected)).isLessThan(1e-5);
  }

  @Test
  void shouldComputeThePreLogitsHeadAsTanhThenLinear() {
    // Given a pre-logits head (hidden layer of 24 with tanh) with 5 classes, and one without
    ViTConfig withClasses =
        CONFIG.toBuilder().headType(HeadType.PRE_LOGITS).preLogitsSize(24).build();
    ClassifierHead head = initialised(new ClassifierHead(withClasses), new Shape(2, 32), 10);
    ClassifierHead pooler =
        initialised(
            new ClassifierHead(withClasses.withNumClasses(0)), new Shape(2, 32), 10); // same seed
    NDArray cls = Seeded.normal(manager, new Shape(2, 32), 11).mul(10);

    // When both run
    NDArray logits = run(head, cls);
    NDArray pooled = run(pooler, cls);

    // Then the pooler gives (B, 24) in [-1, 1], and the classifier reads exactly that
    assertThat(logits.getShape()).isEqualTo(new Shape(2, 5));
    assertThat(pooled.getShape()).isEqualTo(new Shape(2, 24));
    assertThat(Tensors.allFinite(logits)).isTrue();
    assertThat(pooled.abs().max().getFloat()).isLessThanOrEqualTo(1f);
    Linear classifier = new Linear(head);
    NDArray expected = pooled.matMul(classifier.weight.transpose()).add(classifier.bias);
    assertThat(Tensors.maxAbsDiff(logits, expected)).isLessThan(1e-5);
  }

  @Test
  void shouldMapImagesToLogitsAndTokensToFeatures() {
    // Given a whole ViT with seeded weights
    VisionTransformer vit = initialised(new VisionTransformer(CONFIG), new Shape(1, 3, 16, 16), 12);
    NDArray images = Seeded.normal(manager, new Shape(2, 3, 16, 16), 13);

    // When it runs, and its features are taken at 16x16 and at 16x24
    NDArray logits = run(vit, images);
    NDArray features = vit.forwardFeatures(ps, images, false, ActivationSink.NONE);
    NDArray wide =
        vit.forwardFeatures(
            ps, Seeded.normal(manager, new Shape(2, 3, 16, 24), 14), false, ActivationSink.NONE);

    // Then logits are (B, K), features are (B, 1 + N, D) for either grid, all finite
    assertThat(logits.getShape()).isEqualTo(new Shape(2, 5));
    assertThat(features.getShape()).isEqualTo(new Shape(2, 17, 32));
    assertThat(wide.getShape()).isEqualTo(new Shape(2, 1 + 4 * 6, 32));
    assertThat(Tensors.allFinite(logits)).isTrue();
    assertThat(Tensors.allFinite(wide)).isTrue();
    NDArray head = vit.forwardHead(ps, features, false, ActivationSink.NONE);
    assertThat(Tensors.maxAbsDiff(head, logits)).isZero();
  }

  /** The classifier's weight (K, D') and bias (K) of a head. */
  private static final class Linear {
    final NDArray weight;
    final NDArray bias;

    Linear(ClassifierHead head) {
      ai.djl.nn.core.Linear layer = head.classifier().orElseThrow();
      weight = layer.getParameters().get("weight").getArray();
      bias = layer.getParameters().get("bias").getArray();
    }
  }
}
