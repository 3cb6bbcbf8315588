package io.vitstream.training;

/**
 * Progress within an epoch, reported after each step.
 *
 * @param epoch 1-based epoch
 * @param epochs total epochs
 * @param step 1-based step within the epoch
 * @param stepsPerEpoch steps in an epoch
 * @param loss mean loss so far in this epoch
 * @param accuracy training accuracy so far in this epoch
 * @param imagesPerSecond training throughput so far in this epoch
 * @param remainingSeconds estimated time to the end of training
 */
public record StepProgress(
    int epoch,
    int epochs,
    int step,
    int stepsPerEpoch,
    double loss,
    double accuracy,
    double imagesPerSecond,
    double remainingSeconds) {}
