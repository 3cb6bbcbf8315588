package io.vitstream.cli;

import io.vitstream.avro.DeadLetter;
import io.vitstream.avro.Feedback;
import io.vitstream.avro.ImageEvent;
import io.vitstream.avro.ModelVersion;
import io.vitstream.avro.Prediction;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;

/** Decodes any of the app's record types by fingerprint, and prints them one line each. */
final class Records {
  private final List<SingleObjectAvroSerde<? extends SpecificRecord>> serdes =
      List.of(
          new SingleObjectAvroSerde<>(Prediction.class),
          new SingleObjectAvroSerde<>(ImageEvent.class),
          new SingleObjectAvroSerde<>(DeadLetter.class),
          new SingleObjectAvroSerde<>(Feedback.class),
          new SingleObjectAvroSerde<>(ModelVersion.class));

  /** One line for a record value of any known type, or a note on unknown bytes. */
  String format(byte[] value) {
    if (value == null) {
      return "(tombstone)";
    }
    for (var serde : serdes) {
      try {
        return format(serde.decode(value));
      } catch (RuntimeException ignored) {
        // try the next schema
      }
    }
    return "(" + value.length + " bytes, not a vitstream record)";
  }

  private static String format(SpecificRecord r) {
    if (r instanceof Prediction p) {
      String top =
          p.getTopK().stream()
              .map(s -> String.format(Locale.ROOT, "%s %.3f", s.getLabel(), s.getScore()))
              .collect(Collectors.joining(", "));
      return String.format(
          Locale.ROOT,
          "%s -> %s  [%s v%d, batch %d, %.1f ms, %d ms end-to-end]",
          p.getImageId(),
          top,
          p.getModelName(),
          p.getModelVersion(),
          p.getBatchSize(),
          p.getInferenceTimeMs(),
          p.getOutputTime().toEpochMilli() - p.getEventTime().toEpochMilli());
    }
    if (r instanceof DeadLetter d) {
      return String.format(
          Locale.ROOT,
          "DEAD %s@%d:%d [%s] %s (%s)",
          d.getSourceTopic(),
          d.getSourcePartition(),
          d.getSourceOffset(),
          d.getStage(),
          d.getReason(),
          d.getImageId());
    }
    if (r instanceof ImageEvent e) {
      String what =
          e.getEncoded() != null
              ? e.getEncoded().remaining() + " B " + e.getContentType()
              : e.getPixels() != null
                  ? e.getPixels().getHeight()
                      + "x"
                      + e.getPixels().getWidth()
                      + "x"
                      + e.getPixels().getChannels()
                      + " pixels"
                  : "uri " + e.getUri();
      return "IMAGE " + e.getImageId() + " " + what;
    }
    return r.toString();
  }
}
