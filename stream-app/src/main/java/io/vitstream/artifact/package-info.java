/** Model versions through Kafka: published in checked chunks, assembled into the local store. */
package io.vitstream.artifact;
