/** The model that serves predictions, how it is loaded, and batched classification. */
package io.vitstream.inference;
