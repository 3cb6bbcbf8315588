package io.vitstream.training;

/**
 * One epoch's numbers.
 *
 * @param epoch 1-based epoch
 * @param steps optimizer steps in this epoch
 * @param trainLoss mean training loss (on augmented images)
 * @param trainAccuracy training accuracy (on augmented images)
 * @param testAccuracy accuracy on the evaluated test images
 * @param learningRate the learning rate at the epoch's last step
 * @param seconds training seconds of this epoch, evaluation excluded
 */
public record EpochResult(
    int epoch,
    int steps,
    double trainLoss,
    double trainAccuracy,
    double testAccuracy,
    double learningRate,
    double seconds) {}
