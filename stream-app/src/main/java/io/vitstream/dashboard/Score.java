package io.vitstream.dashboard;

/** One of a prediction's best classes. */
public record Score(String label, int index, double score) {}
