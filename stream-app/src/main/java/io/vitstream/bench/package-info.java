/** Benchmarks of the streaming pipeline, measured side by side in one run. */
package io.vitstream.bench;
