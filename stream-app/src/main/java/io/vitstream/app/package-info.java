/** The app's configuration and the lifecycle of the inference service. */
package io.vitstream.app;
