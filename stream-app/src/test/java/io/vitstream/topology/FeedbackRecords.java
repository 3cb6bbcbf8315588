package io.vitstream.topology;

import io.vitstream.avro.ClassScore;
import io.vitstream.avro.Feedback;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.avro.Prediction;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.kafka.TopicNames;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/** The records a feedback topology test feeds in: labels, predictions and promotions. */
final class FeedbackRecords {
  private static final SingleObjectAvroSerde<Feedback> FEEDBACK =
      new SingleObjectAvroSerde<>(Feedback.class);

  private FeedbackRecords() {}

  /** The label {@code label} for image {@code imageId}, with its pixels if given. */
  static byte[] label(String imageId, String label, byte[] encoded) {
    return FEEDBACK
        .serializer()
        .serialize(
            TopicNames.FEEDBACK,
            Feedback.newBuilder()
                .setImageId(imageId)
                .setLabel(label)
                .setSource("test")
                .setEventTime(Instant.ofEpochMilli(1))
                .setEncoded(encoded == null ? null : ByteBuffer.wrap(encoded))
                .build());
  }

  /** Version {@code version}'s prediction of image {@code id}: class {@code index} at 0.9. */
  static Prediction predicted(String id, int version, int index) {
    return Prediction.newBuilder()
        .setImageId(id)
        .setTopK(List.of(new ClassScore(FashionMnist.LABELS.get(index), index, 0.9f)))
        .setModelName("fm")
        .setModelVersion(version)
        .setBatchSize(1)
        .setEventTime(Instant.ofEpochMilli(1))
        .setInferenceTimeMs(1)
        .setOutputTime(Instant.ofEpochMilli(2))
        .build();
  }

  /** The promotion of {@code version} of model "fm" from {@code parent}. */
  static ModelVersion promoted(int version, int parent) {
    return ModelVersion.newBuilder()
        .setModelName("fm")
        .setVersion(version)
        .setStatus(ModelStatus.PROMOTED)
        .setParentVersion(parent)
        .setEventTime(Instant.ofEpochMilli(1))
        .build();
  }
}
