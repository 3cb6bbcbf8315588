/** Registry-free Avro single-object encoding for Kafka, and the history of released schemas. */
package io.vitstream.serde;
