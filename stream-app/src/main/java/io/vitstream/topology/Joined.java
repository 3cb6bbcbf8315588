package io.vitstream.topology;

import io.vitstream.avro.DeadLetter;

/**
 * What the join makes of one feedback record: an example, or a dead letter saying why not.
 *
 * @param example the labelled example; null for a dead letter
 * @param letter the dead letter; null for an example
 */
record Joined(Example example, DeadLetter letter) {
  static Joined of(Example example) {
    return new Joined(example, null);
  }

  static Joined refused(DeadLetter letter) {
    return new Joined(null, letter);
  }
}
