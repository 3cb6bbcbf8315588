/** Prometheus metrics of the app (Micrometer) and the HTTP endpoint that serves them. */
package io.vitstream.metrics;
