package io.vitstream.kafka;

import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Consumer set-ups shared by the readers that join no group. */
public final class Consumers {
  private Consumers() {}

  /**
   * Assigns every partition of {@code topic} to {@code consumer}, from the beginning, without a
   * group join.
   *
   * @return the partitions
   */
  public static List<TopicPartition> assignAll(Consumer<?, ?> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return partitions;
  }
}
