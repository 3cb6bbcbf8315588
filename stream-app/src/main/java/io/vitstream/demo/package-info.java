/**
 * The demos: {@code vitstream demo} (an embedded broker, the app, Fashion-MNIST published and
 * predicted) and the drift demo (the feedback loop under one of the drifts of {@link
 * io.vitstream.demo.Drift}), their results, plot and the dashboard's hooks.
 */
package io.vitstream.demo;
