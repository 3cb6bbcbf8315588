package io.vitstream.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * One pre-norm encoder block (the paper's equations 2 and 3):
 *
 * <pre>
 * z' = MSA(LN(z)) + z
 * z  = MLP(LN(z')) + z'
 * </pre>
 *
 * Shapes: (B, N, D) in and out. DJL's own TransformerEncoderBlock is post-norm with BatchNorm, so
 * it is not used.
 */
final class EncoderBlock extends AbstractBlock implements TimmNamed {
  private static final byte VERSION = 1;

  private final LayerNorm norm1;
  private final Attention attn;
  private final LayerNorm norm2;
  private final Mlp mlp;

  EncoderBlock(ViTConfig config) {
    super(VERSION);
    norm1 = addChildBlock("norm1", tokenNorm(config));
    attn = addChildBlock("attn", new Attention(config));
    norm2 = addChildBlock("norm2", tokenNorm(config));
    mlp = addChildBlock("mlp", new Mlp(config));
  }

  /** A LayerNorm over the last (width) axis only; DJL's default normalises over more axes. */
  static LayerNorm tokenNorm(ViTConfig config) {
    return LayerNorm.builder().axis(2).optEpsilon(config.layerNormEps()).build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray z = inputs.singletonOrThrow();
    z = attn.forward(ps, norm1.forward(ps, new NDList(z), training), training).head().add(z);
    z = mlp.forward(ps, norm2.forward(ps, new NDList(z), training), training).head().add(z);
    return new NDList(z);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    norm1.initialize(manager, dataType, inputShapes);
    attn.initialize(manager, dataType, inputShapes);
    norm2.initialize(manager, dataType, inputShapes);
    mlp.initialize(manager, dataType, inputShapes);
  }

  @Override
  public void collectParameters(String prefix, Map<String, Parameter> out) {
    TimmNamed.collectCore(norm1, prefix + "norm1.", out);
    attn.collectParameters(prefix + "attn.", out);
    TimmNamed.collectCore(norm2, prefix + "norm2.", out);
    mlp.collectParameters(prefix + "mlp.", out);
  }
}
