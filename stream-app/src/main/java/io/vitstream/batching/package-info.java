/** Micro-batching inside Kafka Streams: a changelogged buffer flushed by size or by wall clock. */
package io.vitstream.batching;
