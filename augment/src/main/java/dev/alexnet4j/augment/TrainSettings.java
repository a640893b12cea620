package dev.alexnet4j.augment;

/**
 * The training-time augmentations, each of which can be switched off.
 *
 * @param shuffle a new order every epoch
 * @param randomCrop random patch positions (otherwise the central patch)
 * @param mirror horizontal reflection with probability 0.5
 * @param fancyPca PCA colour noise
 * @param pcaSigma standard deviation of the colour noise coefficients
 */
public record TrainSettings(
    boolean shuffle, boolean randomCrop, boolean mirror, boolean fancyPca, double pcaSigma) {}
