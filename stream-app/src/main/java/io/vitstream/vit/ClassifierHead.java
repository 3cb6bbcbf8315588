package io.vitstream.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;
import java.util.Optional;

/**
 * The head on the [class] token: an optional pre-logits layer with tanh (the paper's pre-training
 * head, HF's pooler), then an optional linear classifier. Shapes: (B, D) in, (B, K) out.
 */
final class ClassifierHead extends AbstractBlock implements TimmNamed {
  private static final byte VERSION = 1;

  private final Optional<Linear> preLogits;
  private final Optional<Linear> classifier;

  ClassifierHead(ViTConfig config) {
    super(VERSION);
    preLogits =
        config.headType() == HeadType.PRE_LOGITS
            ? Optional.of(
                addChildBlock(
                    "pre_logits", Linear.builder().setUnits(config.preLogitsSize()).build()))
            : Optional.empty();
    classifier =
        config.numClasses() > 0
            ? Optional.of(
                addChildBlock("head", Linear.builder().setUnits(config.numClasses()).build()))
            : Optional.empty();
  }

  /** The classifier's linear layer, when there is one (the paper initialises it to zero). */
  Optional<Linear> classifier() {
    return classifier;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return forward(ps, inputs.singletonOrThrow(), training, ActivationSink.NONE);
  }

  NDList forward(ParameterStore ps, NDArray cls, boolean training, ActivationSink sink) {
    NDArray x = cls;
    if (preLogits.isPresent()) {
      x = preLogits.get().forward(ps, new NDList(x), training).singletonOrThrow().tanh();
      sink.accept("pre_logits", x);
    }
    if (classifier.isPresent()) {
      x = classifier.get().forward(ps, new NDList(x), training).singletonOrThrow();
    }
    return new NDList(x);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] shapes = inputShapes;
    if (preLogits.isPresent()) {
      shapes = preLogits.get().getOutputShapes(shapes);
    }
    return classifier.isPresent() ? classifier.get().getOutputShapes(shapes) : shapes;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape[] shapes = inputShapes;
    if (preLogits.isPresent()) {
      preLogits.get().initialize(manager, dataType, shapes);
      shapes = preLogits.get().getOutputShapes(shapes);
    }
    if (classifier.isPresent()) {
      classifier.get().initialize(manager, dataType, shapes);
    }
  }

  @Override
  public void collectParameters(String prefix, Map<String, Parameter> out) {
    preLogits.ifPresent(l -> TimmNamed.collectCore(l, prefix + "pre_logits.fc.", out));
    classifier.ifPresent(l -> TimmNamed.collectCore(l, prefix + "head.", out));
  }
}
