/** Image decoding with safety limits, and preprocessing into model input tensors. */
package io.vitstream.image;
