package io.vitstream.topology;

import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.RawPixels;
import io.vitstream.image.BadImageException;
import io.vitstream.image.ImageDecoder;
import io.vitstream.image.RawImage;
import io.vitstream.metrics.Metrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * ImageEvent to pixels. Encoded images go through the decoder (size, then the header's dimensions,
 * then the pixels); raw pixels have their claimed dimensions checked before their size, channels
 * and shape. A bad image is forwarded to the dead-letter child instead.
 */
final class DecodeProcessor implements Processor<String, ReceivedImage, String, Object> {
  private final ImageDecoder decoder;
  private final DeadLetters letters;
  private final String imagesChild;
  private final String deadLettersChild;
  private final Metrics metrics;
  private ProcessorContext<String, Object> context;

  DecodeProcessor(
      ImageDecoder decoder,
      DeadLetters letters,
      String imagesChild,
      String deadLettersChild,
      Metrics metrics) {
    this.metrics = metrics;
    this.decoder = decoder;
    this.letters = letters;
    this.imagesChild = imagesChild;
    this.deadLettersChild = deadLettersChild;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, ReceivedImage> record) {
    if (record.value() == null) {
      return; // a tombstone on the images topic carries nothing to classify
    }
    metrics.imageIn();
    ImageEvent event = record.value().event();
    try {
      RawImage image = decode(decoder, event);
      var decoded =
          new DecodedImage(event.getImageId(), event.getEventTime().toEpochMilli(), image);
      context.forward(record.withValue(decoded), imagesChild);
    } catch (BadImageException e) {
      RecordMetadata m = context.recordMetadata().orElseThrow();
      byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
      var source =
          new DeadLetters.Source(m.topic(), m.partition(), m.offset(), key, record.value().raw());
      var letter =
          letters.of(
              e.getMessage(),
              DeadLetters.DECODE,
              source,
              event.getImageId(),
              e,
              context.currentSystemTimeMs());
      metrics.deadLetter(DeadLetters.DECODE);
      context.forward(record.withValue(letter), deadLettersChild);
    }
  }

  /** The pixels of an event; throws BadImageException for a bad image. */
  static RawImage decode(ImageDecoder decoder, ImageEvent event) {
    if (event.getEncoded() != null) {
      return decoder.decode(bytes(event.getEncoded()));
    }
    RawPixels px = event.getPixels();
    if (px == null) {
      throw new BadImageException(
          event.getUri() != null
              ? "image by uri is not supported: send encoded bytes or pixels"
              : "no image: neither encoded bytes nor pixels");
    }
    decoder.checkDimensions(px.getHeight(), px.getWidth());
    if (px.getChannels() != 1 && px.getChannels() != 3) {
      throw new BadImageException("wrong channel count " + px.getChannels() + ": expected 1 or 3");
    }
    byte[] data = bytes(px.getData());
    decoder.checkSize(data.length);
    return new RawImage(px.getHeight(), px.getWidth(), px.getChannels(), data);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
