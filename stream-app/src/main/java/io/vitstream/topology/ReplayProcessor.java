package io.vitstream.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The class-balanced replay reservoir: reservoir sampling per class, so each training example of a
 * class is kept with equal probability, at most {@code perClass} per class. Entries are {@code
 * c/<label>/<slot>}, counts {@code n/<label>}. The draw depends only on the image id and the count,
 * so a replayed record draws the same slot.
 */
final class ReplayProcessor implements Processor<String, Example, Void, Void> {
  private final int perClass;
  private KeyValueStore<String, byte[]> replay;

  ReplayProcessor(int perClass) {
    this.perClass = perClass;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    replay = context.getStateStore(FeedbackTopology.REPLAY_STORE);
  }

  @Override
  public void process(Record<String, Example> record) {
    Example e = record.value();
    String counterKey = "n/" + e.label();
    byte[] counter = replay.get(counterKey);
    long seen = counter == null ? 0 : ByteBuffer.wrap(counter).getLong();
    long slot = seen < perClass ? seen : draw(e.imageId(), seen);
    if (slot < perClass) {
      replay.put("c/" + e.label() + "/" + slot, e.stored());
    }
    replay.put(counterKey, ByteBuffer.allocate(8).putLong(seen + 1).array());
  }

  /** A uniform slot in [0, seen]. */
  private static long draw(String imageId, long seen) {
    CRC32 crc = new CRC32();
    crc.update(imageId.getBytes(StandardCharsets.UTF_8));
    return new SplittableRandom(crc.getValue() * 31 + seen).nextLong(seen + 1);
  }
}
