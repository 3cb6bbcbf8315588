/** Continuous fine-tuning from feedback: splits, triggers, live accuracy, the gate and rollback. */
package io.vitstream.feedback;
