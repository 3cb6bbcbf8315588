package io.vitstream.inference;

/**
 * One class of a classification.
 *
 * @param label the class name
 * @param index the output index
 * @param score softmax probability
 */
public record TopK(String label, int index, float score) {}
