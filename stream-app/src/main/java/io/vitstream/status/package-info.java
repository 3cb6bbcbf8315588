/** {@code vitstream status}: the model served, consumer lag and dead letters, read from Kafka. */
package io.vitstream.status;
