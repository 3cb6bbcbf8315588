/** Measuring a classifier on a labelled set: accuracy, per-class accuracy, confusion, speed. */
package io.vitstream.evaluation;
