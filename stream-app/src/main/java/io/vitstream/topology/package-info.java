/** The inference topology: decode, preprocess, micro-batch, classify, and dead-letter bad input. */
package io.vitstream.topology;
