package io.vitstream.topology;

import io.vitstream.image.ImagePreprocessor;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Pixels to the served model's geometry, still 8-bit: the buffer then holds small, model-sized
 * images whatever size they arrived in. It reads only the model's metadata, so it needs no lease;
 * normalisation waits for the batch (see {@link PredictBatch}).
 */
final class PreprocessProcessor implements Processor<String, DecodedImage, String, ModelInput> {
  private final ModelSlot<ServingModel> model;
  private ProcessorContext<String, ModelInput> context;

  PreprocessProcessor(ModelSlot<ServingModel> model) {
    this.model = model;
  }

  @Override
  public void init(ProcessorContext<String, ModelInput> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, DecodedImage> record) {
    var sized = new ImagePreprocessor(model.peek().preprocessing()).resize(record.value().image());
    DecodedImage d = record.value();
    context.forward(record.withValue(new ModelInput(d.imageId(), d.eventTimeMs(), sized)));
  }
}
