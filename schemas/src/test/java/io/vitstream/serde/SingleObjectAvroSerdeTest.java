package io.vitstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitstream.avro.ClassScore;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.avro.Prediction;
import io.vitstream.avro.RawPixels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SingleObjectAvroSerdeTest {
  private final SingleObjectAvroSerde<ImageEvent> images =
      new SingleObjectAvroSerde<>(ImageEvent.class);

  private static ImageEvent rawImage() {
    return ImageEvent.newBuilder()
        .setImageId("img-1")
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
        .setPixels(new RawPixels(2, 2, 1, ByteBuffer.wrap(new byte[] {1, 2, 3, 4})))
        .build();
  }

  @Test
  void shouldWriteTheSingleObjectHeaderAndTheSchemaFingerprint() {
    byte[] bytes = images.encode(rawImage());

    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(fingerprint)
        .isEqualTo(SchemaNormalization.parsingFingerprint64(ImageEvent.getClassSchema()));
  }

  @Test
  void shouldRoundTripNestedRecordsEnumsAndMaps() {
    ImageEvent event = rawImage();
    assertThat(images.decode(images.encode(event))).isEqualTo(event);

    var predictions = new SingleObjectAvroSerde<>(Prediction.class);
    Prediction p =
        Prediction.newBuilder()
            .setImageId("img-1")
            .setTopK(List.of(new ClassScore("Sneaker", 7, 0.9f)))
            .setModelName("fashion-mnist")
            .setModelVersion(3)
            .setBatchSize(5)
            .setPaddedBatchSize(8)
            .setEventTime(Instant.ofEpochMilli(1))
            .setInferenceTimeMs(12.5)
            .setOutputTime(Instant.ofEpochMilli(2))
            .build();
    assertThat(
            predictions.deserializer().deserialize("t", predictions.serializer().serialize("t", p)))
        .isEqualTo(p);

    var versions = new SingleObjectAvroSerde<>(ModelVersion.class);
    ModelVersion v =
        ModelVersion.newBuilder()
            .setModelName("m")
            .setVersion(2)
            .setStatus(ModelStatus.PROMOTED)
            .setMetrics(Map.of("holdout_accuracy", 0.9))
            .setEventTime(Instant.ofEpochMilli(3))
            .build();
    assertThat(versions.decode(versions.encode(v))).isEqualTo(v);
  }

  @Test
  void shouldDecodeBytesWrittenWithTheReleasedV1Schema() throws IOException {
    // Given bytes written by a v1 producer, whose ImageEvent had no uri field
    Schema v1;
    try (InputStream in =
        getClass().getResourceAsStream("/io/vitstream/avro/history/v1/ImageEvent.avsc")) {
      v1 = new Schema.Parser().parse(in);
    }
    assertThat(v1.getField("uri")).isNull();
    GenericRecord old = new GenericData.Record(v1);
    old.put("imageId", "old-1");
    old.put("eventTime", 42L);
    old.put("contentType", "image/png");
    old.put("encoded", ByteBuffer.wrap(new byte[] {9, 8, 7}));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old, out);

    // When the current class decodes them
    ImageEvent decoded = images.decode(out.toByteArray());

    // Then the fields map across and the added field takes its default
    assertThat(decoded.getImageId()).isEqualTo("old-1");
    assertThat(decoded.getEventTime()).isEqualTo(Instant.ofEpochMilli(42));
    assertThat(decoded.getContentType()).isEqualTo("image/png");
    assertThat(decoded.getEncoded().array()).containsExactly(9, 8, 7);
    assertThat(decoded.getUri()).isNull();
  }

  @Test
  void shouldListOnlyVersionsThatDifferFromTheCurrentSchema() {
    assertThat(SchemaHistory.olderVersions(ImageEvent.class)).hasSize(1);
    assertThat(SchemaHistory.olderVersions(Prediction.class)).isEmpty();
  }

  @Test
  void shouldRefuseGarbageWithASerializationException() {
    assertThatThrownBy(() -> images.decode(new byte[] {1, 2, 3}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("ImageEvent");
    byte[] truncated = images.encode(rawImage());
    byte[] cut = java.util.Arrays.copyOf(truncated, 14);
    assertThatThrownBy(() -> images.decode(cut)).isInstanceOf(SerializationException.class);
  }
}
