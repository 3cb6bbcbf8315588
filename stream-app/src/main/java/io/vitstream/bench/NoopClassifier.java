package io.vitstream.bench;

import io.vitstream.inference.BatchClassifier;
import io.vitstream.inference.BatchShapes;
import io.vitstream.inference.Classifier;
import io.vitstream.inference.ServingModel;
import io.vitstream.inference.TopK;
import java.util.ArrayList;
import java.util.List;

/**
 * A forward pass that does nothing: every image gets the same top-k. The pipeline around it (Kafka,
 * Avro, decode, preprocess, the buffer store and its changelog, exactly-once commits) is what it
 * measures: the Kafka ceiling.
 */
final class NoopClassifier implements Classifier {
  private final BatchShapes shapes;
  private final int topK;

  NoopClassifier(BatchShapes shapes, int topK) {
    this.shapes = shapes;
    this.topK = topK;
  }

  @Override
  public BatchClassifier.Result classify(ServingModel model, List<float[]> inputs) {
    float[] uniform = new float[model.labels().size()];
    java.util.Arrays.fill(uniform, 1f / uniform.length);
    List<TopK> top = TopK.of(uniform, model.labels(), topK);
    List<List<TopK>> out = new ArrayList<>(inputs.size());
    inputs.forEach(in -> out.add(top));
    return new BatchClassifier.Result(out, shapes.padTo(inputs.size()), 0);
  }
}
