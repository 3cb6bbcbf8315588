package io.vitstream.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * The encoder's MLP: fc1, exact (erf) GELU, fc2, with dropout after each. Shapes: (B, N, D) in and
 * out.
 */
final class Mlp extends AbstractBlock implements TimmNamed {
  private static final byte VERSION = 1;

  private final Linear fc1;
  private final Linear fc2;
  private final float dropout;

  Mlp(ViTConfig config) {
    super(VERSION);
    dropout = config.dropout();
    fc1 = addChildBlock("fc1", Linear.builder().setUnits(config.mlpSize()).build());
    fc2 = addChildBlock("fc2", Linear.builder().setUnits(config.width()).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    // DJL's gelu calls torch's default, which is the exact erf form.
    NDArray hidden = Activation.gelu(fc1.forward(ps, inputs, training).singletonOrThrow());
    hidden = dropIfTraining(hidden, training);
    NDArray out = fc2.forward(ps, new NDList(hidden), training).singletonOrThrow();
    return new NDList(dropIfTraining(out, training));
  }

  private NDArray dropIfTraining(NDArray x, boolean training) {
    return training && dropout > 0 ? Dropout.dropout(x, dropout, true).singletonOrThrow() : x;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    fc1.initialize(manager, dataType, inputShapes);
    fc2.initialize(manager, dataType, fc1.getOutputShapes(inputShapes));
  }

  @Override
  public void collectParameters(String prefix, Map<String, Parameter> out) {
    TimmNamed.collectCore(fc1, prefix + "fc1.", out);
    TimmNamed.collectCore(fc2, prefix + "fc2.", out);
  }
}
