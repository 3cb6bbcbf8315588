package io.vitstream.topology;

import io.vitstream.image.ImagePreprocessor;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Pixels to model input, with the preprocessing of the model being served. It reads only the
 * model's metadata, so it needs no lease.
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
    ServingModel serving = model.peek();
    float[] values = new float[serving.inputLength()];
    new ImagePreprocessor(serving.preprocessing()).write(record.value().image(), values, 0);
    DecodedImage d = record.value();
    context.forward(record.withValue(new ModelInput(d.imageId(), d.eventTimeMs(), values)));
  }
}
