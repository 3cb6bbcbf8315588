package io.vitstream.status;

import java.util.OptionalLong;

/**
 * How far a consumer group is behind on one partition.
 *
 * @param partition the partition
 * @param committed the group's committed offset; empty when it has committed none
 * @param start the partition's first offset (where a group without a commit starts)
 * @param end the partition's end offset
 */
public record PartitionLag(int partition, OptionalLong committed, long start, long end) {

  /** Records not yet processed: from the committed offset (else the start) to the end. */
  public long lag() {
    return Math.max(0, end - committed.orElse(start));
  }
}
