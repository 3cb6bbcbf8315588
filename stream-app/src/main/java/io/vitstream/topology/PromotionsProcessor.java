package io.vitstream.topology;

import io.vitstream.avro.ModelVersion;
import io.vitstream.serde.SingleObjectAvroSerde;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps each model's promotion history, by model name, from the model-versions topic. */
final class PromotionsProcessor implements Processor<String, byte[], Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(PromotionsProcessor.class);
  private final SingleObjectAvroSerde<ModelVersion> serde =
      new SingleObjectAvroSerde<>(ModelVersion.class);
  private KeyValueStore<String, byte[]> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(FeedbackTopology.PROMOTIONS_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null) {
      return;
    }
    ModelVersion event;
    try {
      event = serde.decode(record.value());
    } catch (RuntimeException e) {
      LOG.warn("skipping a model-versions record that is not a ModelVersion: {}", e.getMessage());
      return;
    }
    String model = event.getModelName();
    store.put(model, Promotions.fromBytes(store.get(model)).apply(event).toBytes());
  }
}
