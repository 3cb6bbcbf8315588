/** Labelled image data sets: the IDX (gzip) reader and Fashion-MNIST. */
package io.vitstream.dataset;
