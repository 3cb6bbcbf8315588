package io.vitstream.feedback;

import io.vitstream.avro.ModelVersion;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes ModelVersion events to the compacted model-versions topic, keyed by model name. */
public final class ModelVersionPublisher implements Consumer<ModelVersion>, AutoCloseable {
  private final KafkaProducer<String, ModelVersion> producer;
  private final String topic;

  /**
   * @param clientConfig Kafka client settings (bootstrap servers, security)
   * @param topic the model-versions topic
   */
  public ModelVersionPublisher(Map<String, Object> clientConfig, String topic) {
    Map<String, Object> props = new HashMap<>(clientConfig);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.producer =
        new KafkaProducer<>(
            props,
            new StringSerializer(),
            new SingleObjectAvroSerde<>(ModelVersion.class).serializer());
    this.topic = topic;
  }

  /** Sends one event and waits until the broker has it. */
  @Override
  public void accept(ModelVersion event) {
    try {
      producer.send(new ProducerRecord<>(topic, event.getModelName(), event)).get();
    } catch (ExecutionException e) {
      throw new KafkaException("cannot publish a ModelVersion event: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while publishing a ModelVersion event", e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
