package io.vitstream.topology;

import io.vitstream.avro.ClassScore;
import io.vitstream.avro.Prediction;
import io.vitstream.batching.BatchHandler;
import io.vitstream.image.ImagePreprocessor;
import io.vitstream.inference.BatchClassifier;
import io.vitstream.inference.Classifier;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.inference.TopK;
import io.vitstream.metrics.Metrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The batch call: one forward pass of the served model, one Prediction per input. The batch holds a
 * lease on the model for its whole pass, from preprocessing to the last prediction, so a swap takes
 * effect at the next batch, every image is normalised (and if need be resized) for the model that
 * classifies it, and the old model's memory is freed only after this batch is done.
 */
final class PredictBatch implements BatchHandler<ModelInput, Prediction> {
  private final ModelSlot<ServingModel> model;
  private final Classifier classifier;
  private final Metrics metrics;

  PredictBatch(ModelSlot<ServingModel> model, Classifier classifier, Metrics metrics) {
    this.model = model;
    this.classifier = classifier;
    this.metrics = metrics;
  }

  @Override
  public List<Prediction> handle(List<ModelInput> batch, long wallClockMs) {
    try (ModelSlot.Lease<ServingModel> lease = model.acquire()) {
      return predict(lease.model(), batch, wallClockMs);
    }
  }

  private List<Prediction> predict(ServingModel serving, List<ModelInput> batch, long wallClockMs) {
    // preprocessed here, with the model that runs the batch: a model swapped in while images were
    // buffered gets inputs of its own size and normalisation
    var preprocessor = new ImagePreprocessor(serving.preprocessing());
    List<float[]> inputs = new ArrayList<>(batch.size());
    for (ModelInput in : batch) {
      float[] values = new float[serving.inputLength()];
      in.write(serving, preprocessor, values);
      inputs.add(values);
    }
    BatchClassifier.Result result = classifier.classify(serving, inputs);
    metrics.batch(batch.size(), result.paddedSize(), result.forwardMillis());
    long outputMs = wallClockMs + Math.round(result.forwardMillis());
    List<Prediction> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      metrics.endToEnd(outputMs - batch.get(i).eventTimeMs());
      List<ClassScore> top = new ArrayList<>();
      for (TopK t : result.topK().get(i)) {
        top.add(new ClassScore(t.label(), t.index(), t.score()));
      }
      out.add(
          Prediction.newBuilder()
              .setImageId(batch.get(i).imageId())
              .setTopK(top)
              .setModelName(serving.name())
              .setModelVersion(serving.version())
              .setBatchSize(batch.size())
              .setPaddedBatchSize(result.paddedSize())
              .setEventTime(Instant.ofEpochMilli(batch.get(i).eventTimeMs()))
              .setInferenceTimeMs(result.forwardMillis())
              .setOutputTime(Instant.ofEpochMilli(outputMs))
              .build());
    }
    return out;
  }
}
