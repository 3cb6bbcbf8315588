/** The model store: versioned models on disk, their manifests, and the promoted pointer. */
package io.vitstream.store;
