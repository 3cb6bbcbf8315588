package io.vitstream.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for Avro <a
 * href="https://avro.apache.org/docs/1.12.0/specification/#single-object-encoding">single-object
 * encoding</a>: {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer
 * schema, then the Avro binary body. No schema registry is involved: a reader in any language that
 * holds the {@code .avsc} files can decode it.
 *
 * <p>Bytes written with any released version of the schema (see {@link SchemaHistory}) decode into
 * the current generated class, with Avro's schema resolution filling in defaults. The generated
 * classes are added to Avro's trusted classes (Avro 1.12 refuses to instantiate untrusted ones).
 *
 * @param <T> a generated SpecificRecord class
 */
public final class SingleObjectAvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final Class<T> type;
  private final Schema schema;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  /**
   * A serde for {@code type} that also reads every released older version of its schema.
   *
   * @param type a generated SpecificRecord class; may not be null
   */
  public SingleObjectAvroSerde(Class<T> type) {
    this(type, SchemaHistory.olderVersions(type));
  }

  /**
   * A serde for {@code type} that also reads the given writer schemas.
   *
   * @param type a generated SpecificRecord class; may not be null
   * @param olderWriterSchemas earlier versions of the schema to accept; may be empty
   */
  public SingleObjectAvroSerde(Class<T> type, List<Schema> olderWriterSchemas) {
    this.type = type;
    SpecificData model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    AvroTrust.trust(schema);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema);
    olderWriterSchemas.forEach(decoder::addSchema);
  }

  /** The current (reader and writer) schema. */
  public Schema schema() {
    return schema;
  }

  /** Encodes one record; never returns null. */
  public byte[] encode(T record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try {
      encoder.encode(record, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes one record.
   *
   * @throws SerializationException when the bytes are not a single-object encoded record of a known
   *     version of this schema
   */
  public T decode(byte[] bytes) {
    try {
      return decoder.decode(bytes);
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      throw new SerializationException(
          "not a single-object encoded " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, data) -> data == null ? null : encode(data);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, data) -> data == null ? null : decode(data);
  }
}
